/* deSolve compiled model for the population benchmark (bench/run builds it with R CMD SHLIB):
 * 1-cmt oral, states depot and central (mg), parameters ka and k (1/h). Same equations as the
 * closed form in ref_onecmt.c. The deSolve "compiled code" interface (Soetaert et al.,
 * deSolve vignette "compiledCode"): initmod receives the parameter vector, derivs the rhs. */
#include <R.h>

static double parms[2];

void initmod(void (*odeparms)(int *, double *));
void derivs(int *neq, double *t, double *y, double *ydot, double *yout, int *ip);

void initmod(void (*odeparms)(int *, double *)) {
  int n = 2;
  odeparms(&n, parms);
}

void derivs(int *neq, double *t, double *y, double *ydot, double *yout, int *ip) {
  (void)neq; (void)t; (void)yout; (void)ip;
  ydot[0] = -parms[0] * y[0];
  ydot[1] = parms[0] * y[0] - parms[1] * y[1];
}
