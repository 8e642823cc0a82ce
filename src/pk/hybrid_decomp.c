/* Block-triangular decomposition of a system for the hybrid solver (hybrid.h).
 *
 * 1. Closed-form set: start from the rows that are linear with constant coefficients and drop,
 *    until nothing changes, every row that reads a state outside the set. What remains is the
 *    largest ancestor-closed linear time-invariant subsystem, x' = A x + c, solvable exactly.
 *    It is cut into weakly connected components (groups) so that each propagator is as small as
 *    its coupling allows, and each group's strongly connected components are listed in
 *    topological order (its matrix is block lower triangular in that order: hybrid_cf.c takes
 *    the eigenvalues block by block).
 * 2. Collocation blocks: the strongly connected components of the other states (Tarjan 1972,
 *    SIAM J Comput 1:146), emitted dependencies first, which is the order they are solved in. A
 *    state in a feedback loop with a linear one lands in the same component, so the loop is
 *    solved together. Rows of one unit (a user right-hand side) are tied into one component.
 * Graphs are dense n x n patterns: systems here have tens of states. */
#include <string.h>

#include "core/alloc.h"
#include "pk/hybrid.h"

void rui_hyb_decomp_free(rui_hyb_decomp *d) {
  if (d == NULL) {
    return;
  }
  rui_free(d->state);
  rui_free(d->gstart);
  rui_free(d->gscc_start);
  rui_free(d->gscc);
  rui_free(d->bstart);
  rui_free(d->where);
  rui_free(d->kind);
  memset(d, 0, sizeof *d);
}

/* Tarjan's algorithm, iterative, on the states with in[i] != 0 and edges i -> j when
 * e[i*n + j] != 0 (i reads j). Writes each component's states to out (in emission order, which
 * puts every component after the components it reads) with component boundaries in cstart
 * (cstart[0] = 0, ncomp + 1 entries). Workspace: 6n size_t. */
static size_t tarjan(size_t n, const unsigned char *e, const unsigned char *in, size_t *out,
                     size_t *cstart, size_t *ws) {
  const size_t none = (size_t)-1;
  size_t *index = ws, *low = ws + n, *stack = ws + 2 * n, *call = ws + 3 * n, *it = ws + 4 * n;
  size_t *onstack = ws + 5 * n;
  for (size_t i = 0; i < n; i++) {
    index[i] = none;
    onstack[i] = 0;
  }
  size_t counter = 0, sp = 0, nout = 0, ncomp = 0;
  cstart[0] = 0;
  for (size_t root = 0; root < n; root++) {
    if (!in[root] || index[root] != none) {
      continue;
    }
    size_t depth = 1;
    call[0] = root;
    it[root] = 0;
    index[root] = low[root] = counter++;
    stack[sp++] = root;
    onstack[root] = 1;
    while (depth > 0) {
      const size_t v = call[depth - 1];
      if (it[v] < n) {
        const size_t w = it[v]++;
        if (!in[w] || !e[v * n + w]) {
          continue;
        }
        if (index[w] == none) {
          index[w] = low[w] = counter++;
          stack[sp++] = w;
          onstack[w] = 1;
          it[w] = 0;
          call[depth++] = w;
        } else if (onstack[w] && index[w] < low[v]) {
          low[v] = index[w];
        }
        continue;
      }
      depth--;
      if (low[v] == index[v]) {
        size_t x;
        do {
          x = stack[--sp];
          onstack[x] = 0;
          out[nout++] = x;
        } while (x != v);
        cstart[++ncomp] = nout;
      }
      if (depth > 0) {
        const size_t u = call[depth - 1];
        if (low[v] < low[u]) {
          low[u] = low[v];
        }
      }
    }
  }
  /* within a component, ascending state order (a unit's rows reach its user function in the
   * order the user declared them) */
  for (size_t c = 0; c < ncomp; c++) {
    for (size_t a = cstart[c] + 1; a < cstart[c + 1]; a++) {
      const size_t v = out[a];
      size_t b = a;
      while (b > cstart[c] && out[b - 1] > v) {
        out[b] = out[b - 1];
        b--;
      }
      out[b] = v;
    }
  }
  return ncomp;
}

ru_status rui_hyb_decompose(const rui_hyb_structure *s, rui_hyb_decomp *d, ru_error *err) {
  memset(d, 0, sizeof *d);
  if (s == NULL || s->n == 0 || s->dep == NULL || s->lti == NULL) {
    return ru_error_set(err, RU_EINVAL, "hybrid decomposition: empty or NULL structure");
  }
  const size_t n = s->n;
  ru_status st = RU_OK;
  unsigned char *e = rui_calloc(n * n, 1);
  unsigned char *in = rui_calloc(n, 1);
  unsigned char *cf = rui_calloc(n, 1);
  size_t *ws = rui_malloc(6 * n * sizeof *ws);
  size_t *comp = rui_malloc(n * sizeof *comp);
  size_t *cstart = rui_malloc((n + 1) * sizeof *cstart);
  size_t *label = rui_malloc(n * sizeof *label);
  d->n = n;
  d->state = rui_malloc(n * sizeof *d->state);
  d->gstart = rui_malloc((n + 1) * sizeof *d->gstart);
  d->gscc_start = rui_malloc((n + 1) * sizeof *d->gscc_start);
  d->gscc = rui_malloc((n + 1) * sizeof *d->gscc);
  d->bstart = rui_malloc((n + 1) * sizeof *d->bstart);
  d->where = rui_malloc(n * sizeof *d->where);
  d->kind = rui_malloc(n * sizeof *d->kind);
  if (e == NULL || in == NULL || cf == NULL || ws == NULL || comp == NULL || cstart == NULL ||
      label == NULL || d->state == NULL || d->gstart == NULL || d->gscc_start == NULL ||
      d->gscc == NULL || d->bstart == NULL || d->where == NULL || d->kind == NULL) {
    st = ru_error_set(err, RU_ENOMEM, "hybrid decomposition: out of memory");
    goto done;
  }
  /* effective dependencies: the caller's, plus ties within a unit */
  for (size_t i = 0; i < n; i++) {
    for (size_t j = 0; j < n; j++) {
      e[i * n + j] = s->dep[i * n + j] != 0 ||
                     (s->unit != NULL && i != j && s->unit[i] == s->unit[j]);
    }
  }
  /* 1. the ancestor-closed linear time-invariant set */
  for (size_t i = 0; i < n; i++) {
    cf[i] = s->lti[i] != 0;
  }
  for (int changed = 1; changed;) {
    changed = 0;
    for (size_t i = 0; i < n; i++) {
      if (!cf[i]) {
        continue;
      }
      for (size_t j = 0; j < n; j++) {
        if (e[i * n + j] && !cf[j]) {
          cf[i] = 0;
          changed = 1;
          break;
        }
      }
    }
  }
  /* groups: weakly connected components of the closed-form set (labels by flooding) */
  const size_t none = (size_t)-1;
  for (size_t i = 0; i < n; i++) {
    label[i] = none;
  }
  size_t ng = 0;
  for (size_t r = 0; r < n; r++) {
    if (!cf[r] || label[r] != none) {
      continue;
    }
    size_t top = 0;
    ws[top++] = r;
    label[r] = ng;
    while (top > 0) {
      const size_t v = ws[--top];
      for (size_t w = 0; w < n; w++) {
        if (cf[w] && label[w] == none && (e[v * n + w] || e[w * n + v])) {
          label[w] = ng;
          ws[top++] = w;
        }
      }
    }
    ng++;
  }
  d->ngroups = ng;
  size_t pos = 0, nscc_total = 0;
  d->gscc[0] = 0;
  for (size_t g = 0; g < ng; g++) {
    d->gstart[g] = pos;
    d->gscc_start[g] = nscc_total;
    for (size_t i = 0; i < n; i++) {
      in[i] = cf[i] && label[i] == g;
    }
    const size_t nc = tarjan(n, e, in, comp, cstart, ws);
    for (size_t c = 0; c < nc; c++) {
      for (size_t k = cstart[c]; k < cstart[c + 1]; k++) {
        d->state[pos] = comp[k];
        d->where[comp[k]] = (long)g;
        pos++;
      }
      d->gscc[++nscc_total] = pos;
    }
  }
  d->gstart[ng] = pos;
  d->gscc_start[ng] = nscc_total;
  /* 2. collocation blocks: components of the rest, dependencies first */
  for (size_t i = 0; i < n; i++) {
    in[i] = !cf[i];
  }
  const size_t nb = tarjan(n, e, in, comp, cstart, ws);
  d->nblocks = nb;
  for (size_t b = 0; b < nb; b++) {
    d->bstart[b] = pos;
    int self = 0;
    for (size_t k = cstart[b]; k < cstart[b + 1]; k++) {
      const size_t i = comp[k];
      d->state[pos++] = i;
      d->where[i] = -(long)b - 1;
      for (size_t kk = cstart[b]; kk < cstart[b + 1]; kk++) {
        self |= s->dep[i * n + comp[kk]] != 0;
      }
    }
    d->kind[b] = self ? RUI_HYB_NEWTON : RUI_HYB_EXPLICIT;
  }
  d->bstart[nb] = pos;
done:
  rui_free(e);
  rui_free(in);
  rui_free(cf);
  rui_free(ws);
  rui_free(comp);
  rui_free(cstart);
  rui_free(label);
  if (st != RU_OK) {
    rui_hyb_decomp_free(d);
  }
  return st;
}

void rui_hyb_classify(rui_hyb_decomp *d, int (*affine)(void *user, const size_t *rows, size_t nb),
                      void *user) {
  for (size_t b = 0; b < d->nblocks; b++) {
    if (d->kind[b] == RUI_HYB_EXPLICIT || affine == NULL) {
      continue;
    }
    const size_t *rows = d->state + d->bstart[b];
    const size_t nb = d->bstart[b + 1] - d->bstart[b];
    d->kind[b] = affine(user, rows, nb) ? RUI_HYB_AFFINE : RUI_HYB_NEWTON;
  }
}
