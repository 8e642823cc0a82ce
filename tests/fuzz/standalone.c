/* Standalone fuzz driver for compilers without libFuzzer: replays every corpus file, then a
 * fixed number of deterministic mutations of each (byte flips, truncations, splices), so the
 * harness runs in every build. The real coverage-guided run is `make fuzz` (clang). */
#include <dirent.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
/* optional, as in libFuzzer */
int LLVMFuzzerInitialize(int *argc, char ***argv) __attribute__((weak));

static int g_mutations = 2000; /* per corpus file; RU_FUZZ_MUTATIONS overrides */

static uint64_t rng_state = 0x9E3779B97F4A7C15ull;
static uint64_t next_rand(void) {
  /* xorshift64* (Vigna 2016): deterministic mutations, no global seed from the clock */
  rng_state ^= rng_state >> 12;
  rng_state ^= rng_state << 25;
  rng_state ^= rng_state >> 27;
  return rng_state * 2685821657736338717ull;
}

static const char *const DICT[] = {":", ",", "\n", "\"", "mg", "q", "h", "d", "-1", "1e308",
                                   "nan", "inf", "0", "=", "for=", "n=", "start=", "qd", "bid"};

static void run_mutations(const uint8_t *seed, size_t n) {
  uint8_t buf[4096];
  for (int iter = 0; iter < g_mutations; iter++) {
    size_t len = n < sizeof buf ? n : sizeof buf;
    memcpy(buf, seed, len);
    const int ops = 1 + (int)(next_rand() % 4);
    for (int k = 0; k < ops; k++) {
      const uint64_t r = next_rand();
      switch (r % 4) {
      case 0:
        if (len > 0) buf[next_rand() % len] = (uint8_t)next_rand();
        break;
      case 1:
        if (len > 0) len = next_rand() % len;
        break;
      case 2: {
        const char *w = DICT[next_rand() % (sizeof DICT / sizeof DICT[0])];
        const size_t wl = strlen(w);
        if (len + wl < sizeof buf) {
          const size_t at = len == 0 ? 0 : next_rand() % len;
          memmove(buf + at + wl, buf + at, len - at);
          memcpy(buf + at, w, wl);
          len += wl;
        }
        break;
      }
      default:
        if (len > 1) {
          const size_t a = next_rand() % len, b = next_rand() % len;
          const uint8_t t = buf[a];
          buf[a] = buf[b];
          buf[b] = t;
        }
      }
    }
    LLVMFuzzerTestOneInput(buf, len);
  }
}

int main(int argc, char **argv) {
  size_t files = 0;
  const char *m = getenv("RU_FUZZ_MUTATIONS");
  if (m != NULL && atoi(m) >= 0) g_mutations = atoi(m);
  /* corpus directories are opened before the harness may change directory */
  DIR *dirs[16];
  int nd = 0;
  for (int i = 1; i < argc && nd < 16; i++) dirs[nd++] = opendir(argv[i]);
  if (LLVMFuzzerInitialize != NULL) LLVMFuzzerInitialize(&argc, &argv);
  for (int i = 0; i < nd; i++) {
    DIR *d = dirs[i];
    if (d == NULL) continue;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
      if (e->d_name[0] == '.') continue;
      const int fd = openat(dirfd(d), e->d_name, O_RDONLY);
      FILE *f = fd >= 0 ? fdopen(fd, "rb") : NULL;
      if (f == NULL) continue;
      uint8_t data[4096];
      const size_t n = fread(data, 1, sizeof data, f);
      fclose(f);
      LLVMFuzzerTestOneInput(data, n);
      run_mutations(data, n);
      files++;
    }
    closedir(d);
  }
  printf("fuzz standalone: %zu corpus files, %zu inputs run, no crash\n", files,
         files * (size_t)(g_mutations + 1));
  return 0;
}
