/* The population model's fixed statements, reported with every result (docs/population.md): what
 * the model leaves out (covariance between parameters, covariates) and what "final" attainment
 * means. One text here, so the CLI and Python say the same. */
#include "reuptake/pop.h"

const char *ru_pop_covariance_note(void) {
  return "none: no published covariance between CL, V and ka is in the knowledge base; parameters "
         "vary independently";
}

const char *ru_pop_covariate_note(void) {
  return "not modelled: the knowledge base holds no sourced effect of weight, sex or smoking on these "
         "compounds";
}

const char *ru_pop_final_note(void) {
  return "fraction of subjects meeting the criterion at every grid point of the end window (the last "
         "dosing interval: for >= criteria, the steady-state trough)";
}
