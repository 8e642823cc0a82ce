/* Prints the size and field offsets of every public struct the Python package mirrors with
 * ctypes (python/reuptake/_lib.py), as JSON, so test_layout.py can compare them with what ctypes
 * computes: a header change that is not mirrored fails the suite instead of corrupting memory. */
#include <stddef.h>
#include <stdio.h>

#include "reuptake.h"

static int first_struct = 1, first_field = 1;

static void begin(const char *name, size_t size) {
  printf("%s\"%s\": {\"size\": %zu, \"fields\": {", first_struct ? "" : ",\n", name, size);
  first_struct = 0;
  first_field = 1;
}

static void field(const char *name, size_t offset) {
  printf("%s\"%s\": %zu", first_field ? "" : ", ", name, offset);
  first_field = 0;
}

static void end(void) { printf("}}"); }

#define S(T) begin(#T, sizeof(T))
#define F(T, f) field(#f, offsetof(T, f))

int main(void) {
  printf("{\n");
  S(ru_error); F(ru_error, code); F(ru_error, message); end();
  S(ru_value); F(ru_value, value); F(ru_value, source); F(ru_value, status); end();
  S(ru_event); F(ru_event, id); F(ru_event, compound); F(ru_event, time_h);
  F(ru_event, amount_mg); F(ru_event, rate_mg_per_h); F(ru_event, evid); F(ru_event, ss);
  F(ru_event, ii_h); F(ru_event, addl); F(ru_event, cmt); F(ru_event, mdv);
  F(ru_event, has_bioav); F(ru_event, bioav); F(ru_event, has_lag); F(ru_event, lag_h);
  F(ru_event, model_rate_mg_per_h); F(ru_event, model_dur_h); end();
  S(ru_exposure); F(ru_exposure, auc_ng_h_per_ml); F(ru_exposure, cmax_ng_per_ml);
  F(ru_exposure, cmin_ng_per_ml); F(ru_exposure, cavg_ng_per_ml); F(ru_exposure, tmax_h);
  F(ru_exposure, tau_h); F(ru_exposure, unbound_cavg_nm); F(ru_exposure, steady_state); end();
  S(ru_pd_share); F(ru_pd_share, compound); F(ru_pd_share, mean); F(ru_pd_share, kpuu_brain);
  F(ru_pd_share, kpuu_is_default); end();
  S(ru_pd_summary); F(ru_pd_summary, target); F(ru_pd_summary, mean); F(ru_pd_summary, trough);
  F(ru_pd_summary, peak); F(ru_pd_summary, scale); F(ru_pd_summary, scale_calibrated);
  F(ru_pd_summary, nshares); F(ru_pd_summary, shares); end();
  S(ru_pd_dose_options); F(ru_pd_dose_options, phenotypes); F(ru_pd_dose_options, nphenotypes);
  F(ru_pd_dose_options, overrides); F(ru_pd_dose_options, noverrides); end();
  S(ru_ddi_options); F(ru_ddi_options, phenotypes); F(ru_ddi_options, nphenotypes);
  F(ru_ddi_options, overrides); F(ru_ddi_options, noverrides); F(ru_ddi_options, stop_after_h);
  F(ru_ddi_options, solver); F(ru_ddi_options, hybrid_tol); end();
  S(ru_ddi_explanation); F(ru_ddi_explanation, pathway); F(ru_ddi_explanation, fm);
  F(ru_ddi_explanation, perpetrator); F(ru_ddi_explanation, reason);
  F(ru_ddi_explanation, strength); F(ru_ddi_explanation, text); end();
  S(ru_ddi_metabolite); F(ru_ddi_metabolite, compound); F(ru_ddi_metabolite, auc_ratio);
  F(ru_ddi_metabolite, cmax_ratio); end();
  S(ru_ddi_result); F(ru_ddi_result, victim); F(ru_ddi_result, single_dose);
  F(ru_ddi_result, shift_h); F(ru_ddi_result, without); F(ru_ddi_result, with);
  F(ru_ddi_result, auc_ratio); F(ru_ddi_result, cmax_ratio); F(ru_ddi_result, nexplain);
  F(ru_ddi_result, explain); F(ru_ddi_result, nmetabolites); F(ru_ddi_result, metabolites);
  end();
  S(ru_ddi_course); F(ru_ddi_course, effect); F(ru_ddi_course, onset_90_h);
  F(ru_ddi_course, stop_h); F(ru_ddi_course, recovery_50_h); F(ru_ddi_course, recovery_90_h);
  F(ru_ddi_course, horizon_h); end();
  S(ru_vrow); F(ru_vrow, id); F(ru_vrow, calibration); F(ru_vrow, what); F(ru_vrow, quantity);
  F(ru_vrow, unit); F(ru_vrow, observed); F(ru_vrow, observed_low); F(ru_vrow, observed_high);
  F(ru_vrow, predicted); F(ru_vrow, error); F(ru_vrow, within_2x); F(ru_vrow, within_1_5x);
  F(ru_vrow, within_1_25x); F(ru_vrow, right_direction); F(ru_vrow, source); F(ru_vrow, note);
  F(ru_vrow, cv_predicted); F(ru_vrow, cv_error); end();
  S(ru_vmetric); F(ru_vmetric, name); F(ru_vmetric, value); F(ru_vmetric, n); end();
  S(ru_vfold); F(ru_vfold, study); F(ru_vfold, nrows); F(ru_vfold, nparams); F(ru_vfold, param);
  F(ru_vfold, value); F(ru_vfold, note); end();
  S(ru_vset); F(ru_vset, set); F(ru_vset, nrows); F(ru_vset, rows); F(ru_vset, nmetrics);
  F(ru_vset, metrics); F(ru_vset, cross_validated); F(ru_vset, ncv); F(ru_vset, cv);
  F(ru_vset, cv_note); F(ru_vset, nfolds); F(ru_vset, folds); end();
  S(ru_validate_options); F(ru_validate_options, overrides); F(ru_validate_options, noverrides);
  F(ru_validate_options, cross_validate); end();
  S(ru_calibration_row); F(ru_calibration_row, id); F(ru_calibration_row, used);
  F(ru_calibration_row, observed_pct); F(ru_calibration_row, observed_low);
  F(ru_calibration_row, observed_high); F(ru_calibration_row, predicted_pct);
  F(ru_calibration_row, residual_pp); F(ru_calibration_row, note); end();
  S(ru_calibration); F(ru_calibration, target); F(ru_calibration, factor);
  F(ru_calibration, nrows); F(ru_calibration, rows); F(ru_calibration, rmse_pp);
  F(ru_calibration, nentries); F(ru_calibration, entries); end();
  S(ru_release_params); F(ru_release_params, kind); F(ru_release_params, tlag_h);
  F(ru_release_params, ka_per_h); F(ru_release_params, k_release_per_h);
  F(ru_release_params, ir_fraction); F(ru_release_params, ir_duration_h);
  F(ru_release_params, zo_lag_h); F(ru_release_params, zo_duration_h);
  F(ru_release_params, zo_steps);
  F(ru_release_params, pulse2_lag_h); F(ru_release_params, weibull_td_h);
  F(ru_release_params, weibull_beta); F(ru_release_params, f_rel); end();
  S(ru_product_component); F(ru_product_component, compound);
  F(ru_product_component, mg_per_label_mg); end();
  S(ru_product); F(ru_product, name); F(ru_product, drug_class); F(ru_product, n_components);
  F(ru_product, component); F(ru_product, release); F(ru_product, release_source);
  F(ru_product, usual_dose_mg); F(ru_product, low_dose_mg); F(ru_product, high_dose_mg);
  F(ru_product, interval_h); F(ru_product, incomplete); end();
  S(ru_model_param); F(ru_model_param, name); F(ru_model_param, domain); F(ru_model_param, unit);
  F(ru_model_param, meaning); F(ru_model_param, value); F(ru_model_param, optional); end();
  S(ru_syn_ligand); F(ru_syn_ligand, name); F(ru_syn_ligand, kind); F(ru_syn_ligand, input);
  F(ru_syn_ligand, input2); F(ru_syn_ligand, source); F(ru_syn_ligand, note); end();
  S(ru_physio_values); F(ru_physio_values, plasma_ne_pg_per_ml); F(ru_physio_values, half_life_min);
  F(ru_physio_values, spillover_ug_per_min); F(ru_physio_values, clearance_l_per_min);
  F(ru_physio_values, heart_rate_bpm); F(ru_physio_values, volume_l);
  F(ru_physio_values, sympathetic_drive_fold); F(ru_physio_values, cardiac_ne_fold);
  F(ru_physio_values, spillover_status); F(ru_physio_values, clearance_status); end();
  S(ru_physio_drug); F(ru_physio_drug, net_occupancy); F(ru_physio_drug, central_drive_fold);
  end();
  S(ru_physio_outcome); F(ru_physio_outcome, input); F(ru_physio_outcome, drug);
  F(ru_physio_outcome, baseline); F(ru_physio_outcome, with_drug);
  F(ru_physio_outcome, plasma_ne_fold); F(ru_physio_outcome, time_of_peak_h);
  F(ru_physio_outcome, ncourse); F(ru_physio_outcome, course_time_h);
  F(ru_physio_outcome, course_net_occupancy); F(ru_physio_outcome, course_plasma_ne_pg_per_ml);
  F(ru_physio_outcome, course_heart_rate_bpm); end();
#ifdef RU_POP_DEFAULT_LANES /* the population API of the hybrid solver (python/reuptake/_pop.py) */
  S(ru_pop_criterion); F(ru_pop_criterion, target); F(ru_pop_criterion, threshold);
  F(ru_pop_criterion, at_least); end();
  S(ru_pop_config); F(ru_pop_config, seed); F(ru_pop_config, ancestry); F(ru_pop_config, times_h);
  F(ru_pop_config, nt); F(ru_pop_config, targets); F(ru_pop_config, ntargets);
  F(ru_pop_config, criteria); F(ru_pop_config, ncriteria); F(ru_pop_config, overrides);
  F(ru_pop_config, noverrides); F(ru_pop_config, phenotypes); F(ru_pop_config, nphenotypes);
  F(ru_pop_config, cv_cl); F(ru_pop_config, cv_v); F(ru_pop_config, cv_ka);
  F(ru_pop_config, force_general); F(ru_pop_config, lanes); end();
  S(ru_pop_band_info); F(ru_pop_band_info, name); F(ru_pop_band_info, is_target);
  F(ru_pop_band_info, quantity); F(ru_pop_band_info, unit); F(ru_pop_band_info, resolution); end();
  S(ru_pop_exposure); F(ru_pop_exposure, n); F(ru_pop_exposure, auc_mean);
  F(ru_pop_exposure, cavg_mean); F(ru_pop_exposure, auc_p5); F(ru_pop_exposure, auc_p50);
  F(ru_pop_exposure, auc_p95); end();
  S(ru_pop_variability); F(ru_pop_variability, compound); F(ru_pop_variability, key);
  F(ru_pop_variability, cv); F(ru_pop_variability, source); F(ru_pop_variability, sourced); end();
#endif
  printf("\n}\n");
  return 0;
}
