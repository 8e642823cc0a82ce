/* Receptor ligands and releasers named in the literature the synapse model is run against, with
 * the receptor or transporter each one acts on and the source of that pharmacology (a key of
 * data/sources.csv). Antagonists and agonists enter the model as receptor occupancy
 * (--antagonist / --agonist); releasers are substrates that are carried into the terminal by
 * a transporter and reverse it (Sulzer 2005), so their transporter occupancy also drives
 * impulse-independent efflux. Blockers (methylphenidate, cocaine, every reuptake inhibitor) are
 * not listed: their transporter occupancy only blocks uptake. */
#include <ctype.h>
#include <stddef.h>
#include <string.h>

#include "reuptake/synapse.h"

static const ru_syn_ligand LIGANDS[] = {
    /* alpha2 antagonists */
    {"idazoxan", RU_SYN_ANTAGONIST, RU_SYN_ALPHA2, -1, "syn_doxey1983",
     "selective alpha2-adrenoceptor antagonist (RX 781094)"},
    {"atipamezole", RU_SYN_ANTAGONIST, RU_SYN_ALPHA2, -1, "syn_pertovaara2005",
     "alpha2 antagonist with high alpha2/alpha1 selectivity, no 5-HT1A affinity"},
    {"1-(2-pyrimidinyl)piperazine", RU_SYN_ANTAGONIST, RU_SYN_ALPHA2, -1, "syn_gobert1997",
     "1-PP, buspirone metabolite; alpha2 antagonist"},
    {"1-PP", RU_SYN_ANTAGONIST, RU_SYN_ALPHA2, -1, "syn_gobert1997", "alias of 1-(2-pyrimidinyl)piperazine"},
    /* alpha2 agonists */
    {"S 18616", RU_SYN_AGONIST, RU_SYN_ALPHA2_AGONIST, -1, "syn_gobert1997",
     "alpha2 agonist (suppressed cortical NE by 100%)"},
    {"clonidine", RU_SYN_AGONIST, RU_SYN_ALPHA2_AGONIST, -1, "syn_parini2005",
     "alpha2 agonist used to probe terminal and somatodendritic alpha2 sensitivity"},
    /* 5-HT1A */
    {"WAY-100635", RU_SYN_ANTAGONIST, RU_SYN_5HT1A, -1, "syn_fletcher1996",
     "potent, selective, silent 5-HT1A antagonist"},
    {"LY206130", RU_SYN_ANTAGONIST, RU_SYN_5HT1A, -1, "syn_engleman1996",
     "5-HT1A antagonist (potentiated duloxetine's 5-HT rise)"},
    {"pindolol", RU_SYN_ANTAGONIST, RU_SYN_5HT1A, -1, "syn_dreshfield1996",
     "(-)-pindolol, beta-adrenoceptor and 5-HT1A antagonist (beta not modelled)"},
    {"8-OH-DPAT", RU_SYN_AGONIST, RU_SYN_5HT1A_AGONIST, -1, "syn_hajos1995",
     "5-HT1A agonist"},
    /* 5-HT1B */
    {"GR127935", RU_SYN_ANTAGONIST, RU_SYN_5HT1B, -1, "syn_skingle1996",
     "5-HT1B/1D antagonist"},
    /* D2 */
    {"raclopride", RU_SYN_ANTAGONIST, RU_SYN_D2, -1, "syn_kohler1985",
     "substituted benzamide D2 antagonist"},
    {"apomorphine", RU_SYN_AGONIST, RU_SYN_D2_AGONIST, -1, "syn_apomorphine_vta2011",
     "dopamine agonist (VTA DA firing <= 20% of baseline at 1 mg/kg)"},
    /* 5-HT2C */
    {"SB 242084", RU_SYN_ANTAGONIST, RU_SYN_5HT2C, -1, "syn_dremencov2009",
     "5-HT2C antagonist (reversed the SSRI inhibition of VTA firing)"},
    /* releasers: substrates of DAT and NET (Sulzer 2005) */
    {"d-amphetamine", RU_SYN_RELEASER, RU_SYN_DAT_RELEASER, RU_SYN_NET_RELEASER, "syn_sulzer2005",
     "substrate releaser: uptake through DAT/NET, VMAT2 disruption, transporter reversal"},
    {"l-amphetamine", RU_SYN_RELEASER, RU_SYN_DAT_RELEASER, RU_SYN_NET_RELEASER, "syn_sulzer2005",
     "levo isomer, same mechanism"},
    {"amphetamine", RU_SYN_RELEASER, RU_SYN_DAT_RELEASER, RU_SYN_NET_RELEASER, "syn_sulzer2005",
     "racemate"},
    {"methamphetamine", RU_SYN_RELEASER, RU_SYN_DAT_RELEASER, RU_SYN_NET_RELEASER,
     "syn_sulzer2005", "substrate releaser"},
};
#define NLIGANDS (sizeof LIGANDS / sizeof LIGANDS[0])

size_t ru_synapse_ligand_count(void) { return NLIGANDS; }

const ru_syn_ligand *ru_synapse_ligand_get(size_t i) {
  return i < NLIGANDS ? &LIGANDS[i] : NULL;
}

/* Lower-case, without '-', '_', ' ' and '(' ')' so "WAY 100635" = "way-100635". */
static void squash(const char *in, char *out, size_t cap) {
  size_t j = 0;
  for (size_t i = 0; in[i] != '\0' && j + 1 < cap; i++) {
    const unsigned char ch = (unsigned char)in[i];
    if (ch == '-' || ch == '_' || ch == ' ' || ch == '(' || ch == ')') {
      continue;
    }
    out[j++] = (char)tolower(ch);
  }
  out[j] = '\0';
}

const ru_syn_ligand *ru_synapse_ligand_find(const char *name) {
  if (name == NULL) {
    return NULL;
  }
  char key[64];
  squash(name, key, sizeof key);
  for (size_t i = 0; i < NLIGANDS; i++) {
    char k2[64];
    squash(LIGANDS[i].name, k2, sizeof k2);
    if (strcmp(key, k2) == 0) {
      return &LIGANDS[i];
    }
  }
  return NULL;
}
