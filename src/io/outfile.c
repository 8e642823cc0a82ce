/* Atomic output files (include/reuptake/io.h): the one place that publishes a result file, used
 * by the CSV writer, the plots and the command line's --output.
 *
 * A file is written to "<path>.tmp.XXXXXX" beside the target (mkstemp, mode 0644), then
 * committed by fsync, close, rename(2) over the target (atomic within one file system, which is
 * why the temporary file lives in the target's directory; POSIX.1-2008 rename) and an fsync of the
 * directory so the rename itself is durable. Anything short of a successful commit unlinks the
 * temporary file: an error, a cancel or a crash-free early exit never leaves a half-written file,
 * and a previous file of that name stays untouched. A target that exists and is not a regular
 * file (/dev/null, a FIFO, a terminal) is written directly: there is nothing to rename over.
 * path NULL is stdout (streamed through stdio, not atomic). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h> /* mkstemp */
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/alloc.h"
#include "reuptake/io.h"

typedef enum outfile_mode {
  OUT_ATOMIC = 0, /* temporary file renamed over path at commit */
  OUT_DIRECT,     /* path exists and is not a regular file: written in place */
  OUT_STDOUT      /* stdout through stdio */
} outfile_mode;

struct ru_outfile {
  outfile_mode mode;
  int fd;          /* ATOMIC/DIRECT: open descriptor, else -1 */
  char *path;      /* target (NULL for stdout) */
  char *tmp_path;  /* ATOMIC: the temporary file while it exists */
  int committed;
};

static ru_status sys_error(ru_error *err, const char *path, const char *what, int e) {
  return ru_error_set(err, RU_EOUTPUT, "cannot write '%s': %s%s%s", path ? path : "stdout", what,
                      e != 0 ? ": " : "", e != 0 ? strerror(e) : "");
}

/* Closes and unlinks the temporary file. */
static void discard(ru_outfile *f) {
  if (f->fd >= 0) {
    (void)close(f->fd);
    f->fd = -1;
  }
  if (f->tmp_path != NULL) {
    (void)unlink(f->tmp_path);
    rui_free(f->tmp_path);
    f->tmp_path = NULL;
  }
}

void ru_outfile_free(ru_outfile *f) {
  if (f == NULL) {
    return;
  }
  discard(f);
  rui_free(f->path);
  rui_free(f);
}

ru_status ru_outfile_open(const char *path, ru_outfile **out, ru_error *err) {
  if (out == NULL) {
    return ru_error_set(err, RU_EINVAL, "ru_outfile_open: out is NULL");
  }
  *out = NULL;
  if (path != NULL && path[0] == '\0') {
    return ru_error_set(err, RU_EOUTPUT, "cannot write '': the output path is empty");
  }
  ru_outfile *f = rui_calloc(1, sizeof *f);
  if (f == NULL) {
    return ru_error_set(err, RU_ENOMEM, "out of memory opening the output");
  }
  f->fd = -1;
  if (path == NULL) {
    f->mode = OUT_STDOUT;
    *out = f;
    return RU_OK;
  }
  f->path = rui_strdup(path);
  if (f->path == NULL) {
    ru_outfile_free(f);
    return ru_error_set(err, RU_ENOMEM, "out of memory opening the output");
  }
  struct stat sb;
  if (stat(path, &sb) == 0 && !S_ISREG(sb.st_mode)) {
    if (S_ISDIR(sb.st_mode)) {
      ru_outfile_free(f);
      return ru_error_set(err, RU_EOUTPUT, "cannot write '%s': it is a directory", path);
    }
    f->mode = OUT_DIRECT;
    f->fd = open(path, O_WRONLY);
    if (f->fd < 0) {
      const int e = errno;
      ru_outfile_free(f);
      return sys_error(err, path, "open", e);
    }
    *out = f;
    return RU_OK;
  }
  const size_t plen = strlen(path);
  f->tmp_path = rui_malloc(plen + sizeof ".tmp.XXXXXX");
  if (f->tmp_path == NULL) {
    ru_outfile_free(f);
    return ru_error_set(err, RU_ENOMEM, "out of memory opening the output");
  }
  memcpy(f->tmp_path, path, plen);
  memcpy(f->tmp_path + plen, ".tmp.XXXXXX", sizeof ".tmp.XXXXXX");
  f->fd = mkstemp(f->tmp_path);
  if (f->fd < 0) {
    const int e = errno;
    rui_free(f->tmp_path); /* nothing was created */
    f->tmp_path = NULL;
    ru_outfile_free(f);
    return sys_error(err, path, "cannot create a file in its directory", e);
  }
  /* mkstemp creates 0600; a result file is 0644 like any other the user writes */
  (void)fchmod(f->fd, 0644);
  f->mode = OUT_ATOMIC;
  *out = f;
  return RU_OK;
}

ru_status ru_outfile_write(ru_outfile *f, const void *data, size_t n, ru_error *err) {
  if (f == NULL || (data == NULL && n > 0)) {
    return ru_error_set(err, RU_EINVAL, "ru_outfile_write: NULL argument");
  }
  if (f->committed) {
    return ru_error_set(err, RU_EINVAL, "ru_outfile_write: already committed");
  }
  if (f->mode == OUT_STDOUT) {
    if (n > 0 && fwrite(data, 1, n, stdout) != n) {
      return sys_error(err, NULL, "write", errno);
    }
    return RU_OK;
  }
  const char *p = data;
  while (n > 0) {
    const ssize_t w = write(f->fd, p, n);
    if (w < 0) {
      if (errno == EINTR) {
        continue;
      }
      return sys_error(err, f->path, "write", errno);
    }
    p += w;
    n -= (size_t)w;
  }
  return RU_OK;
}

/* Best-effort fsync of the directory holding path, so the rename is durable. */
static void sync_dir(const char *path) {
  const char *slash = strrchr(path, '/');
  char *dir = NULL;
  if (slash == NULL) {
    dir = rui_strdup(".");
  } else {
    const size_t n = slash == path ? 1u : (size_t)(slash - path);
    dir = rui_malloc(n + 1);
    if (dir != NULL) {
      memcpy(dir, path, n);
      dir[n] = '\0';
    }
  }
  if (dir == NULL) {
    return;
  }
  const int fd = open(dir, O_RDONLY);
  if (fd >= 0) {
    (void)fsync(fd);
    (void)close(fd);
  }
  rui_free(dir);
}

ru_status ru_outfile_commit(ru_outfile *f, ru_error *err) {
  if (f == NULL) {
    return ru_error_set(err, RU_EINVAL, "ru_outfile_commit: NULL file");
  }
  if (f->committed) {
    return ru_error_set(err, RU_EINVAL, "ru_outfile_commit: already committed");
  }
  ru_status st = RU_OK;
  if (f->mode == OUT_STDOUT) {
    if (fflush(stdout) != 0) {
      st = sys_error(err, NULL, "write", errno);
    }
  } else {
    /* fsync fails with EINVAL on a device or FIFO: only a regular file must be synced */
    if (f->mode == OUT_ATOMIC && fsync(f->fd) != 0) {
      st = sys_error(err, f->path, "fsync", errno);
    }
    const int fd = f->fd;
    f->fd = -1;
    if (close(fd) != 0 && st == RU_OK) {
      st = sys_error(err, f->path, "close", errno);
    }
    if (st == RU_OK && f->mode == OUT_ATOMIC) {
      if (rename(f->tmp_path, f->path) != 0) {
        st = sys_error(err, f->path, "rename", errno);
      } else {
        rui_free(f->tmp_path);
        f->tmp_path = NULL;
        sync_dir(f->path);
      }
    }
  }
  if (st != RU_OK) {
    discard(f);
    return st;
  }
  f->committed = 1;
  return RU_OK;
}

ru_status ru_file_write_atomic(const char *path, const void *data, size_t n, ru_error *err) {
  ru_outfile *f = NULL;
  ru_status st = ru_outfile_open(path, &f, err);
  if (st == RU_OK) {
    st = ru_outfile_write(f, data, n, err);
  }
  if (st == RU_OK) {
    st = ru_outfile_commit(f, err);
  }
  ru_outfile_free(f);
  return st;
}
