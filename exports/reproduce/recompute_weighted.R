# The weighted half of analysis.json, recomputed with R's survey package (Lumley 2010,
# Complex Surveys: A Guide to Analysis Using R, Wiley; CRAN package "survey", Debian's
# r-cran-survey). Sourced by recompute.R when analysis.json says "weighted": true.
#
# The design: svydesign(ids = ~1, weights = ~weight) on the respondents who have a weight
# (the weights as fixed sampling weights of an unclustered with-replacement design; the
# weights are taken from the CSV as they are, the raking is not redone here).
# - Each choice's weighted share among those who answered: svymean and
#   svyciprop(method = "logit") on subset(design, answered), a domain of the whole design
#   (Korn & Graubard 1998, Surv. Methodol. 24:193-201).
# - Each pair of single-choice questions: svychisq(statistic = "F"), the second-order
#   Rao-Scott F on (d0, d0 (n - 1)) df, and statistic = "Chisq", the first-order one
#   (Rao & Scott 1984, Ann. Stat. 12:46-60), whose statistic is Pearson's X^2 of the
#   weighted table scaled to n.
# - A pair with a multi-choice question: svychisq(statistic = "F") of each option's
#   (option pair's) table, Bonferroni over the options.
# - Kish's effective n (sum w)^2 / sum w^2 (Kish 1965, Survey Sampling, 11.7), the design
#   effect n / n_eff, the weights' quantiles (quantile type 7).
# The generalised design effects themselves (svychisq does not return them) are checked by
# recompute.py only.

suppressMessages(library(survey))

weighted_design <- function(responses) {
  responses$weight <- as.numeric(responses$weight)
  kept <- responses[!is.na(responses$weight) & responses$weight > 0, , drop = FALSE]
  svydesign(ids = ~1, weights = ~weight, data = kept)
}

column_name <- function(name) paste0("`", name, "`")

weighted_shares <- function(question, design) {
  codes <- vapply(question$choices, function(choice) choice$code, "")
  first <- if (question$kind == "single") question$code else paste0(question$code, ".", codes[1])
  answered <- subset(design, !is.na(design$variables[[first]]))
  lapply(codes, function(code) {
    indicator <- if (question$kind == "single") {
      paste0("(", column_name(question$code), " == '", code, "')")
    } else {
      paste0("(", column_name(paste0(question$code, ".", code)), " == '1')")
    }
    mean <- svymean(as.formula(paste0("~I(as.numeric", indicator, ")")), answered)
    share <- coef(mean)[[1]]
    interval <- c(NA, NA)
    if (share > 0 && share < 1) {
      interval <- attr(svyciprop(as.formula(paste0("~I", indicator)), answered,
                                 method = "logit"), "ci")
    }
    list(weighted_percent = 100 * share, weighted_se = 100 * SE(mean)[[1]],
         weighted_ci_low = 100 * interval[[1]], weighted_ci_high = 100 * interval[[2]])
  })
}

rao_scott_test <- function(a, b, design) {
  formula <- as.formula(paste0("~", column_name(a), " + ", column_name(b)))
  second <- tryCatch(svychisq(formula, design, statistic = "F"), error = function(e) NULL)
  if (is.null(second)) return(list(f = NA, p_f = NA))
  # statistic = "Chisq": Pearson's X^2 of the table scaled to n, with the first-order p;
  # the first-order statistic X^2 / mean(delta) is df times the second-order F.
  first <- svychisq(formula, design, statistic = "Chisq")
  pearson <- first$statistic[[1]]
  df <- first$parameter[[1]]
  list(pearson = pearson, f = second$statistic[[1]], ndf = second$parameter[[1]],
       ddf = second$parameter[[2]], p_f = second$p.value[[1]],
       chisq = df * second$statistic[[1]], p_chisq = first$p.value[[1]],
       mean_design_effect = pearson / (df * second$statistic[[1]]))
}

option_columns <- function(question) {
  if (question$kind == "single") return(question$code)
  paste0(question$code, ".", vapply(question$choices, function(choice) choice$code, ""))
}

weighted_pair <- function(first, second, design) {
  if (first$kind == "single" && second$kind == "single") {
    test <- rao_scott_test(first$code, second$code, design)
    return(list(rao_scott = test, shown_p = test$p_f))
  }
  items <- list()  # each option's (option pair's) table, in analysis.json's order
  for (a in option_columns(first)) for (b in option_columns(second)) {
    items[[length(items) + 1]] <- rao_scott_test(a, b, design)
  }
  p <- vapply(items, function(item) item$p_f, 0)
  bonferroni <- if (any(!is.na(p))) min(1, sum(!is.na(p)) * min(p, na.rm = TRUE)) else NA
  list(rao_scott = list(p_bonferroni = bonferroni, items = items), shown_p = bonferroni)
}

weights_summary <- function(design) {
  w <- weights(design)
  n_effective <- sum(w)^2 / sum(w^2)
  quartiles <- quantile(w, c(0.25, 0.5, 0.75), names = FALSE)
  list(n = length(w), n_effective = n_effective, design_effect = length(w) / n_effective,
       min = min(w), q1 = quartiles[1], median = quartiles[2], q3 = quartiles[3], max = max(w))
}

rao_scott_fields <- c("pearson", "f", "ndf", "ddf", "p_f", "chisq", "p_chisq",
                      "mean_design_effect")

differ_rao_scott <- function(where, ours, theirs) {
  if (is.null(theirs$items)) {
    for (field in rao_scott_fields) {
      differ(paste0(where, ".rao_scott.", field), ours[[field]], theirs[[field]])
    }
    return(invisible())
  }
  differ(paste0(where, ".rao_scott.p_bonferroni"), ours$p_bonferroni, theirs$p_bonferroni)
  for (m in seq_along(theirs$items)) {
    for (field in rao_scott_fields) {
      differ(paste0(where, ".rao_scott.items[", m - 1, "].", field),
             ours$items[[m]][[field]], theirs$items[[m]][[field]])
    }
  }
}
