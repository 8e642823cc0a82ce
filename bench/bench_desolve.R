# (c) R deSolve lsoda with a compiled C model: the population problem of bench/README.md.
# Usage: Rscript bench_desolve.R DLL_PATH NSUB. Prints "key value" lines like bench_pk.
suppressPackageStartupMessages(library(deSolve))
args <- commandArgs(trailingOnly = TRUE)
dll <- args[1]
nsub <- as.integer(args[2])
dyn.load(dll)
dllname <- sub("\\.so$", "", basename(dll))
cv2sd <- function(cv) sqrt(log(1 + cv^2))
set.seed(1)
cl <- 20 * exp(rnorm(nsub, 0, cv2sd(0.30)))
v <- 300 * exp(rnorm(nsub, 0, cv2sd(0.20)))
ka <- 1 * exp(rnorm(nsub, 0, cv2sd(0.30)))
times <- 0:672
doses <- data.frame(var = "depot", time = seq(0, 648, by = 24), value = 20, method = "add")
nt <- length(times)
s1 <- numeric(nt); s2 <- numeric(nt); mn <- rep(Inf, nt); mx <- rep(-Inf, nt)
t0 <- proc.time()[["elapsed"]]
for (i in seq_len(nsub)) {
  out <- ode(y = c(depot = 0, central = 0), times = times, func = "derivs",
             parms = c(ka[i], cl[i] / v[i]), dllname = dllname, initfunc = "initmod",
             events = list(data = doses), method = "lsoda", rtol = 1e-8, atol = 1e-12)
  c <- out[, "central"] / v[i]
  s1 <- s1 + c; s2 <- s2 + c * c; mn <- pmin(mn, c); mx <- pmax(mx, c)
}
el <- proc.time()[["elapsed"]] - t0
cat("desolve_subjects", nsub, "\n")
cat("desolve_lsoda_us", format(1e6 * el / nsub, digits = 6), "\n")
cat("desolve_mean_conc_t672", format(s1[nt] / nsub, digits = 6), "\n")
