# How recompute.R compares what it recomputed with analysis.json: every number (and verdict)
# within 1e-6 relative to the number (absolute below 1), each difference kept in `found`.
# Sourced by recompute.R (base R only).

tolerance <- 1e-6

compared <- c("n", "statistic", "df", "p", "g2", "g2_p", "cramers_v", "cramers_v_corrected",
              "min_expected", "cochran_ok", "yates_statistic", "yates_p", "fisher_p",
              "table", "expected", "adjusted_residuals", "row_percent", "column_percent",
              "p_bonferroni", "rs2_statistic", "rs2_df", "rs2_p", "p_adjusted", "significant",
              "power", "n_for_power", "linear_by_linear", "epsilon_squared")
found <- list()
checked <- 0
differ <- function(where, ours, theirs) {
  if (is.list(theirs) && length(theirs) > 0 && is.list(theirs[[1]])) {
    theirs <- do.call(rbind, lapply(theirs, unlist))
  } else if (is.list(theirs) && !is.null(names(theirs))) {
    for (key in names(theirs)) differ(paste0(where, ".", key), ours[[key]], theirs[[key]])
    return(invisible())
  } else if (is.list(theirs)) {
    theirs <- unlist(theirs)
  }
  checked <<- checked + max(1, length(theirs))
  close <- TRUE
  if (is.null(theirs) || (length(ours) == 1 && is.na(ours))) {
    same <- is.null(theirs) && (is.null(ours) || all(is.na(ours)))
  } else if (is.logical(theirs)) {
    same <- !is.null(ours) && identical(as.logical(ours), theirs)
  } else {
    ours <- as.numeric(ours); theirs <- as.numeric(theirs)
    close <- abs(ours - theirs) <= tolerance * pmax(1, abs(theirs))
    same <- length(ours) == length(theirs) && all(close)
  }
  if (!isTRUE(same)) {
    close <- as.vector(close)
    first <- if (length(close) > 1) which(is.na(close) | !close)[1] else 1
    if (length(theirs) > 1) where <- paste0(where, " (cell ", first, ")")
    found[[length(found) + 1]] <<- c(where, format(ours[first], digits = 15),
                                     format(theirs[first], digits = 15))
  }
}
