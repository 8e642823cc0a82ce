/* Standalone fuzz driver for compilers without libFuzzer: replays every corpus file, then a
 * fixed number of deterministic mutations of each (byte flips, truncations, splices), so the
 * harness runs in every build. The real coverage-guided run is `make fuzz` (clang). */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

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
  for (int iter = 0; iter < 2000; iter++) {
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
  for (int i = 1; i < argc; i++) {
    DIR *d = opendir(argv[i]);
    if (d == NULL) continue;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
      if (e->d_name[0] == '.') continue;
      char path[4096];
      snprintf(path, sizeof path, "%s/%s", argv[i], e->d_name);
      FILE *f = fopen(path, "rb");
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
  printf("fuzz standalone: %zu corpus files, %zu inputs run, no crash\n", files, files * 2001);
  return 0;
}
