/* MPI scale-out of population runs (pop.h). Every rank computes its shard of subjects into its
 * own summary; the reduction is exact because a summary is integers (MPI_SUM on int64) plus
 * minima and maxima (MPI_MIN / MPI_MAX on doubles), none of which depends on the order in
 * which MPI combines the ranks. So K = 1, 2, 4, ... ranks give bitwise the same result.
 * Without MPI (RU_HAVE_MPI undefined) every function behaves as one rank of one. MPI itself is
 * only initialised when a launcher started us, so a plain `reuptake population` never waits
 * on a singleton MPI start-up. */
#include <stdlib.h>

#include "pop/pop_impl.h"

#if defined(RU_HAVE_MPI) && RU_HAVE_MPI
#include <mpi.h>

static int launched_by_mpi(void) {
  return getenv("OMPI_COMM_WORLD_SIZE") != NULL || getenv("PMI_SIZE") != NULL ||
         getenv("PMIX_RANK") != NULL;
}

int ru_pop_mpi_available(void) { return 1; }

int ru_pop_mpi_launched(void) { return launched_by_mpi(); }

ru_status ru_pop_mpi_init(int *rank, int *size, ru_error *err) {
  *rank = 0;
  *size = 1;
  if (!launched_by_mpi()) return RU_OK;
  int inited = 0;
  MPI_Initialized(&inited);
  if (!inited && MPI_Init(NULL, NULL) != MPI_SUCCESS) {
    return ru_error_set(err, RU_EINTERNAL, "MPI_Init failed");
  }
  MPI_Comm_rank(MPI_COMM_WORLD, rank);
  MPI_Comm_size(MPI_COMM_WORLD, size);
  return RU_OK;
}

void ru_pop_mpi_finalize(void) {
  int inited = 0, finalized = 0;
  MPI_Initialized(&inited);
  if (!inited) return;
  MPI_Finalized(&finalized);
  if (!finalized) MPI_Finalize();
}

static int active(void) {
  int inited = 0, finalized = 0;
  MPI_Initialized(&inited);
  if (inited) MPI_Finalized(&finalized);
  return inited && !finalized;
}

int ru_pop_mpi_max(int flag) {
  if (!active()) return flag;
  int out = flag;
  MPI_Allreduce(&flag, &out, 1, MPI_INT, MPI_MAX, MPI_COMM_WORLD);
  return out;
}

/* In-place on root, send-only elsewhere; chunks keep counts within int. */
static int reduce(void *buf, size_t n, MPI_Datatype type, size_t elem, MPI_Op op, int root,
                  int rank) {
  const size_t chunk = (size_t)1 << 26;
  char *p = buf;
  for (size_t off = 0; off < n; off += chunk) {
    const int m = (int)(n - off < chunk ? n - off : chunk);
    void *at = p + off * elem;
    const int rc = rank == root ? MPI_Reduce(MPI_IN_PLACE, at, m, type, op, root, MPI_COMM_WORLD)
                                : MPI_Reduce(at, NULL, m, type, op, root, MPI_COMM_WORLD);
    if (rc != MPI_SUCCESS) return rc;
  }
  return MPI_SUCCESS;
}

void ru_pop_mpi_abort(int code) {
  int size = 1;
  if (!active()) return;
  MPI_Comm_size(MPI_COMM_WORLD, &size);
  if (size > 1) MPI_Abort(MPI_COMM_WORLD, code);
}

ru_status ru_pop_mpi_reduce(ru_pop_summary *s, int root, ru_error *err) {
  if (s == NULL) return ru_error_set(err, RU_EINVAL, "ru_pop_mpi_reduce: NULL summary");
  if (!active()) return RU_OK;
  int rank = 0;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  if (reduce(s->cnt, s->ncnt, MPI_INT64_T, sizeof *s->cnt, MPI_SUM, root, rank) != MPI_SUCCESS ||
      reduce(s->lo, s->nmm, MPI_DOUBLE, sizeof *s->lo, MPI_MIN, root, rank) != MPI_SUCCESS ||
      reduce(s->hi, s->nmm, MPI_DOUBLE, sizeof *s->hi, MPI_MAX, root, rank) != MPI_SUCCESS) {
    return ru_error_set(err, RU_EINTERNAL, "MPI reduction of the population summary failed");
  }
  return RU_OK;
}

#else /* no MPI: one rank */

int ru_pop_mpi_available(void) { return 0; }

int ru_pop_mpi_launched(void) { return 0; }

void ru_pop_mpi_abort(int code) { (void)code; }

ru_status ru_pop_mpi_init(int *rank, int *size, ru_error *err) {
  (void)err;
  *rank = 0;
  *size = 1;
  return RU_OK;
}

void ru_pop_mpi_finalize(void) {}

int ru_pop_mpi_max(int flag) { return flag; }

ru_status ru_pop_mpi_reduce(ru_pop_summary *s, int root, ru_error *err) {
  (void)root;
  if (s == NULL) return ru_error_set(err, RU_EINVAL, "ru_pop_mpi_reduce: NULL summary");
  return RU_OK;
}

#endif
