/* The reference cost: the population problem as a hand-written closed-form loop in plain C,
 * no library. Per subject, the two exponentials of one hour are computed once and each hour
 * is the exact 2x2 recurrence of the Bateman solution (Gibaldi & Perrier 1982, eq. 1.61):
 *   depot' = depot e^{-ka}, central' = central e^{-k} + depot ka/(ka-k) (e^{-k} - e^{-ka}).
 * (ka = k exactly has probability zero with continuous IIV; the library handles it.) */
#include "bench_common.h"

void ref_population(size_t nsub, welford *w);

void ref_population(size_t nsub, welford *w) {
  for (size_t s = 0; s < nsub; s++) {
    const pop_params p = pop_draw((uint64_t)s);
    const double k = p.cl / p.v;
    const double ek = exp(-k), eka = exp(-p.ka);
    const double c = p.ka / (p.ka - k) * (ek - eka);
    const double inv_v = 1.0 / p.v;
    double depot = 0.0, central = 0.0;
    const double n_after = w->n + 1.0;
    for (size_t i = 0; i < POP_NT; i++) {
      if (i % POP_TAU == 0 && i < (size_t)POP_TAU * POP_NDOSE) {
        depot += POP_DOSE;
      }
      welford_add(w, i, central * inv_v, n_after);
      const double d2 = depot * eka;
      central = central * ek + depot * c;
      depot = d2;
    }
    w->n = n_after;
  }
}
