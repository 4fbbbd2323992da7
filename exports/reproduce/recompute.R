# Recompute every number of analysis.json from responses.csv and codebook.json, and compare.
#
# Base R only (R >= 4.0). Prints one line per number that differs by more than 1e-6
# (relative to the number, or absolute below 1) and a summary; exits with status 1 when
# any number differs, 0 when all agree. Usage: Rscript recompute.R [FOLDER]
#
# Sources of the formulas:
# - Pearson's X^2, G^2, df (r-1)(c-1), expected counts, empty rows and columns dropped
#   (Agresti 2013, Categorical Data Analysis, 3rd ed., 3.2): chisq.test(correct = FALSE).
# - Cramer's V, Bergsma's bias-corrected V (Bergsma 2013, J. Korean Stat. Soc. 42:323).
# - Adjusted residuals (Haberman 1973, Biometrics 29:205): chisq.test()$stdres.
# - 2x2: Yates' X^2 (chisq.test(correct = TRUE)) and fisher.test().
# - Cochran's rule; where it fails, the Monte Carlo p of chisq.test(simulate.p.value = TRUE)
#   (Hope 1968). R's random numbers are not numpy's: this p is checked within its
#   simulation error (4 standard errors of the difference of two estimates), not to 1e-6.
# - Multiple-response questions (Bilder & Loughin 2004, Biometrics 60:241-248): X^2_S, the
#   sum of each option's (or option pair's) Pearson X^2 with zero cells set to 0.5, its
#   Bonferroni p, and the second-order Rao-Scott X^2_RS2 = k X^2_S / sum(lambda^2) on
#   k^2 / sum(lambda^2) df, lambda the eigenvalues of D^-1 Sigma.
# - p.adjust ("BH", "holm"); Wilson intervals (Wilson 1927, JASA 22:209);
#   power at the current n and the n for 80 % power (Cohen 1988, 7; pwr::pwr.chisq.test)
#   with pchisq(ncp = n w^2).

# --- A small JSON reader (base R has none) -------------------------------------------
json_read <- function(path) {
  text <- paste(readLines(path, encoding = "UTF-8", warn = FALSE), collapse = "\n")
  pattern <- paste0('"(\\\\.|[^"\\\\])*"|-?[0-9][0-9.eE+-]*|true|false|null|[][{}:,]')
  tokens <- regmatches(text, gregexpr(pattern, text, perl = TRUE))[[1]]
  position <- 1
  value <- function() {
    token <- tokens[position]
    position <<- position + 1
    if (token == "{") return(members("}", TRUE))
    if (token == "[") return(members("]", FALSE))
    if (token == "true") return(TRUE)
    if (token == "false") return(FALSE)
    if (token == "null") return(NULL)
    if (substr(token, 1, 1) == '"') return(unescape(token))
    as.numeric(token)
  }
  members <- function(close, named) {
    result <- list()
    if (tokens[position] == close) { position <<- position + 1; return(result) }
    repeat {
      if (named) { key <- unescape(tokens[position]); position <<- position + 2 }
      item <- value()
      if (named) result[key] <- list(item) else result[length(result) + 1] <- list(item)
      separator <- tokens[position]
      position <<- position + 1
      if (separator == close) return(result)
    }
  }
  unescape <- function(token) {
    inner <- substr(token, 2, nchar(token) - 1)
    inner <- gsub('\\\\"', '"', inner)
    gsub("\\\\\\\\", "\\\\", inner)
  }
  value()
}

# --- Number questions: descriptives (quantile type 7, sd with n - 1) and Kruskal-Wallis
# (kruskal.test: H corrected for ties, chi-squared df and p; Kruskal & Wallis 1952) with
# epsilon^2 = H / ((n^2 - 1) / (n + 1)) (Tomczak & Tomczak 2014). Unweighted. -----------
describe_differ <- function(theirs, values) {
  x <- values[!is.na(values)]
  differ(paste0(theirs$code, ".n_answered"), length(x), theirs$n_answered)
  if (length(x) == 0) return(invisible())
  quartiles <- quantile(x, c(0.25, 0.5, 0.75), type = 7, names = FALSE)
  ours <- list(n = length(x), mean = mean(x), sd = if (length(x) > 1) sd(x) else NA,
               median = quartiles[2], q1 = quartiles[1], q3 = quartiles[3],
               min = min(x), max = max(x))
  for (field in names(ours)) {
    differ(paste(theirs$code, field, sep = "."), ours[[field]], theirs$descriptives[[field]])
  }
}

kruskal_pair <- function(values, groups) {
  kept <- !is.na(values) & groups >= 0
  n <- sum(kept)
  if (length(unique(groups[kept])) < 2 || length(unique(values[kept])) < 2) {
    return(list(n = n, shown_p = NA))
  }
  test <- kruskal.test(values[kept], factor(groups[kept]))
  h <- unname(test$statistic)
  list(n = n, statistic = h, df = unname(test$parameter), p = test$p.value,
       shown_p = test$p.value, epsilon_squared = h / ((n^2 - 1) / (n + 1)))
}

# --- The answers ---------------------------------------------------------------------
answers <- function(question, responses) {
  codes <- vapply(question$choices, function(choice) choice$code, "")
  if (question$kind == "single") {
    column <- responses[[question$code]]
    index <- match(column, codes) - 1
    index[is.na(index)] <- -1
    return(matrix(index, ncol = 1))
  }
  columns <- paste0(question$code, ".", codes)
  block <- matrix(-1L, nrow(responses), length(columns))
  for (k in seq_along(columns)) {
    value <- suppressWarnings(as.integer(responses[[columns[k]]]))
    block[, k] <- ifelse(is.na(value), -1L, value)
  }
  block[block[, 1] < 0, ] <- -1L
  block
}

wilson <- function(count, n) {
  z <- qnorm(0.975)
  centre <- (count + z^2 / 2) / (n + z^2)
  half <- z / (n + z^2) * sqrt(count * (n - count) / n + z^2 / 4)
  c(if (count == 0) 0 else centre - half, if (count == n) 1 else centre + half)
}

frequencies <- function(question, given) {
  answered <- given[, 1] >= 0
  n <- sum(answered)
  k <- length(question$choices)
  counts <- if (question$kind == "single") {
    tabulate(given[answered, 1] + 1, nbins = k)
  } else {
    colSums(given[answered, , drop = FALSE])
  }
  rows <- lapply(counts, function(count) {
    interval <- if (n > 0) 100 * wilson(count, n) else c(NA, NA)
    row <- list(count = count, percent = if (n > 0) 100 * count / n else NA,
                ci_low = interval[1], ci_high = interval[2])
    if (question$kind == "multi") {
      row$percent_of_mentions <- if (sum(counts) > 0) 100 * count / sum(counts) else NA
    }
    row
  })
  list(n_answered = n, frequencies = rows)
}

# --- Single x single -------------------------------------------------------------------
power_at <- function(n, rows, columns, alpha) {
  df <- (rows - 1) * (columns - 1)
  critical <- qchisq(1 - alpha, df)
  w2 <- c(0.1, 0.3, 0.5)^2 * (min(rows, columns) - 1)
  values <- pchisq(critical, df, ncp = n * w2, lower.tail = FALSE)
  shortfall <- function(ncp) pchisq(critical, df, ncp = ncp, lower.tail = FALSE) - 0.8
  upper <- 1
  while (shortfall(upper) < 0) upper <- upper * 2
  needed <- uniroot(shortfall, c(0, upper), tol = 1e-12)$root / w2
  list(power = list("0.1" = values[1], "0.3" = values[2], "0.5" = values[3]),
       n_for_power = list("0.1" = needed[1], "0.3" = needed[2], "0.5" = needed[3]))
}

# Two questions with ordered choices: M^2 = (n - 1) r^2 on 1 df, r the correlation of the
# choice positions 1, 2, ... (empty choices keep their place; Agresti 2013, 3.4.1).
linear_by_linear <- function(full) {
  n <- sum(full); rows <- rowSums(full); columns <- colSums(full)
  if (n < 3 || sum(rows > 0) < 2 || sum(columns > 0) < 2) {
    return(list(statistic = NA, df = 1, p = NA))
  }
  du <- seq_along(rows) - sum(rows * seq_along(rows)) / n
  dv <- seq_along(columns) - sum(columns * seq_along(columns)) / n
  r <- sum(outer(du, dv) * full) / sqrt(sum(rows * du^2) * sum(columns * dv^2))
  statistic <- (n - 1) * r^2
  list(statistic = statistic, df = 1, p = pchisq(statistic, 1, lower.tail = FALSE))
}

two_way <- function(a, b, size_a, size_b, options, ordinal = FALSE) {
  both <- a >= 0 & b >= 0
  full <- table(factor(a[both], levels = 0:(size_a - 1)), factor(b[both], levels = 0:(size_b - 1)))
  table <- unclass(full)[rowSums(full) > 0, colSums(full) > 0, drop = FALSE]
  dimnames(table) <- NULL
  n <- sum(table)
  if (min(dim(table)) < 2) {
    untested <- list(n = n, statistic = NA, shown_p = NA, table = table)
    if (ordinal) untested$linear_by_linear <- linear_by_linear(unclass(full))
    return(untested)
  }
  test <- suppressWarnings(chisq.test(table, correct = FALSE))
  expected <- test$expected
  g2 <- 2 * sum(ifelse(table > 0, table * log(table / expected), 0))
  r <- nrow(table); k <- ncol(table); df <- (r - 1) * (k - 1)
  x2 <- unname(test$statistic)
  phi2 <- max(0, x2 / n - (r - 1) * (k - 1) / (n - 1))
  dimension <- min(r - (r - 1)^2 / (n - 1) - 1, k - (k - 1)^2 / (n - 1) - 1)
  cochran <- all(expected >= 1) && 5 * sum(expected < 5) <= length(expected)
  result <- c(list(
    n = n, statistic = x2, df = df, p = test$p.value, g2 = g2,
    g2_p = pchisq(g2, df, lower.tail = FALSE),
    cramers_v = sqrt(x2 / (n * min(r - 1, k - 1))),
    cramers_v_corrected = if (dimension > 0) sqrt(phi2 / dimension) else 0,
    min_expected = min(expected), cochran_ok = cochran, table = table,
    expected = expected, adjusted_residuals = test$stdres,
    row_percent = 100 * table / rowSums(table),
    column_percent = 100 * t(t(table) / colSums(table))
  ), power_at(n, r, k, options$alpha))
  if (r == 2 && k == 2) {
    yates <- suppressWarnings(chisq.test(table, correct = TRUE))
    result$yates_statistic <- unname(yates$statistic)
    result$yates_p <- yates$p.value
    result$fisher_p <- fisher.test(table)$p.value
  }
  if (!cochran) {
    set.seed(options$seed)
    result$p_exact <- chisq.test(table, simulate.p.value = TRUE, B = options$permutations)$p.value
  }
  result$shown_p <- if (cochran) result$p else result$p_exact
  if (ordinal) {  # the linear-by-linear p is the one shown
    result$linear_by_linear <- linear_by_linear(unclass(full))
    if (!is.na(result$linear_by_linear$p)) result$shown_p <- result$linear_by_linear$p
  }
  result
}

# --- Multiple response (Bilder & Loughin 2004) -----------------------------------------
pearson_half <- function(table) {
  observed <- ifelse(table == 0, 0.5, table)
  expected <- outer(rowSums(observed), colSums(observed)) / sum(observed)
  sum((observed - expected)^2 / expected)
}

rao_scott <- function(tables, scaled_sigma, alpha) {
  testable <- all(vapply(tables, function(t) all(rowSums(t) > 0) && all(colSums(t) > 0), TRUE))
  df <- (nrow(tables[[1]]) - 1) * (ncol(tables[[1]]) - 1)
  m <- length(tables); k <- m * df
  # The power is that of one option's table at alpha/m, even when an option cannot be tested.
  powered <- if (df > 0) {
    power_at(sum(tables[[1]]), nrow(tables[[1]]), ncol(tables[[1]]), alpha / m)
  } else list()
  if (!testable || df == 0) return(c(list(statistic = NA, shown_p = NA), powered))
  x2 <- vapply(tables, pearson_half, 0)
  statistic <- sum(x2)
  sum_squares <- sum(scaled_sigma^2)
  result <- c(list(
    statistic = statistic,
    p_bonferroni = min(1, m * pchisq(max(x2), df, lower.tail = FALSE)),
    items = lapply(x2, function(s) list(statistic = s, p = pchisq(s, df, lower.tail = FALSE)))
  ), powered)
  if (sum_squares > 1e-20) {
    result$rs2_statistic <- k * statistic / sum_squares
    result$rs2_df <- k^2 / sum_squares
    result$rs2_p <- pchisq(result$rs2_statistic, result$rs2_df, lower.tail = FALSE)
    result$df <- result$rs2_df
    result$p <- result$rs2_p
  }
  result$shown_p <- if (is.null(result$rs2_p)) result$p_bonferroni else result$rs2_p
  result
}

single_by_multi <- function(groups, ticks, alpha) {
  answered <- groups[, 1] >= 0 & ticks[, 1] >= 0
  groups <- groups[answered, 1]; ticks <- ticks[answered, , drop = FALSE]
  if (length(groups) == 0) return(list(n = 0, statistic = NA, shown_p = NA))
  kept <- sort(unique(groups)); r <- length(kept); k <- ncol(ticks); n <- length(groups)
  a <- vapply(kept, function(g) mean(groups == g), 0)
  sizes <- vapply(kept, function(g) sum(groups == g), 0)
  chosen <- matrix(vapply(kept, function(g) colSums(ticks[groups == g, , drop = FALSE]), numeric(k)),
                   nrow = r, ncol = k, byrow = TRUE)
  tables <- lapply(seq_len(k), function(j) cbind(chosen[, j], sizes - chosen[, j]))
  # Sigma = (C x I) blockdiag(V_g / a_g) (C x I)', V_g the within-group item covariance.
  blocks <- matrix(0, r * k, r * k)
  for (g in seq_len(r)) {
    members <- ticks[groups == kept[g], , drop = FALSE]
    within <- crossprod(members) / nrow(members) - tcrossprod(colMeans(members))
    index <- (g - 1) * k + seq_len(k)
    blocks[index, index] <- within / a[g]
  }
  contrast <- kronecker(diag(r) - matrix(a, r, r, byrow = TRUE), diag(k))
  sigma <- contrast %*% blocks %*% t(contrast)
  pooled <- colMeans(ticks)
  scale <- sqrt(as.vector(t(outer(a, 1 / (pooled * (1 - pooled))))))
  c(list(n = n), rao_scott(tables, sigma * outer(scale, scale), alpha))
}

multi_by_multi <- function(a, b, alpha) {
  answered <- a[, 1] >= 0 & b[, 1] >= 0
  a <- a[answered, , drop = FALSE]; b <- b[answered, , drop = FALSE]; n <- nrow(a)
  if (n == 0) return(list(n = 0, statistic = NA, shown_p = NA))
  tables <- list()
  for (i in seq_len(ncol(a))) for (j in seq_len(ncol(b))) {
    both <- sum(a[, i] * b[, j])
    only_a <- sum(a[, i]) - both; only_b <- sum(b[, j]) - both
    tables[[length(tables) + 1]] <- matrix(c(both, only_b, only_a, n - both - only_a - only_b), 2)
  }
  ca <- sweep(a, 2, colMeans(a)); cb <- sweep(b, 2, colMeans(b))
  z <- do.call(cbind, lapply(seq_len(ncol(a)), function(i) ca[, i] * cb))
  z <- sweep(z, 2, colMeans(z))
  variance <- function(x) colMeans(x^2) - colMeans(x)^2
  scale <- 1 / sqrt(as.vector(t(outer(variance(a), variance(b)))))
  c(list(n = n), rao_scott(tables, crossprod(z) / n * outer(scale, scale), alpha))
}

main <- function(folder) {
  source(file.path(folder, "recompute_compare.R"))  # differ(), found, checked, tolerance
  codebook <- json_read(file.path(folder, "codebook.json"))
  analysis <- json_read(file.path(folder, "analysis.json"))
  responses <- read.csv(file.path(folder, "responses.csv"), colClasses = "character",
                        na.strings = "", check.names = FALSE, encoding = "UTF-8")
  options <- analysis$options
  # Ordered choices are single choices (with a linear-by-linear test between two of them);
  # other kinds are not recomputed (listed at the end).
  choice_kinds <- c(single = "single", ordinal = "single", multi = "multi")
  questions <- Filter(function(q) q$kind %in% names(choice_kinds), codebook$questions)
  questions <- lapply(questions, function(q) {
    q$ordinal <- q$kind == "ordinal"; q$kind <- choice_kinds[[q$kind]]; q
  })
  codes <- vapply(questions, function(q) q$code, "")
  given <- lapply(questions, answers, responses = responses)
  names(given) <- codes
  skipped <- character(0)
  weighted <- isTRUE(analysis$weighted)  # the survey package's part: recompute_weighted.R
  if (weighted) {
    source(file.path(folder, "recompute_weighted.R"))
    design <- weighted_design(responses)
  }
  differ("n", nrow(responses), analysis$n)
  numbers <- Filter(function(q) q$kind == "number", codebook$questions)
  number_values <- lapply(numbers, function(q) suppressWarnings(as.numeric(responses[[q$code]])))
  names(number_values) <- vapply(numbers, function(q) q$code, "")
  for (theirs in analysis$questions) {
    q <- match(theirs$code, codes)
    if (theirs$code %in% names(number_values)) {
      describe_differ(theirs, number_values[[theirs$code]])
      next
    }
    if (is.na(q)) { skipped <- c(skipped, theirs$code); next }
    ours <- frequencies(questions[[q]], given[[q]])
    if (weighted) {
      shares <- weighted_shares(questions[[q]], design)
      for (k in seq_along(shares)) ours$frequencies[[k]] <- c(ours$frequencies[[k]], shares[[k]])
    }
    differ(paste0(theirs$code, ".n_answered"), ours$n_answered, theirs$n_answered)
    for (k in seq_along(theirs$frequencies)) {
      row <- theirs$frequencies[[k]]
      for (field in c("count", "percent", "ci_low", "ci_high", "percent_of_mentions",
                      "weighted_percent", "weighted_se", "weighted_ci_low", "weighted_ci_high")) {
        if (field %in% names(row)) {
          differ(paste(theirs$code, row$choice, field, sep = "."),
                 ours$frequencies[[k]][[field]], row[[field]])
        }
      }
    }
  }
  pairs <- list()
  for (i in seq_along(questions)) for (j in seq_along(questions)) if (i < j) {
    kinds <- c(questions[[i]]$kind, questions[[j]]$kind)
    a <- given[[i]]; b <- given[[j]]
    pairs[[paste0(codes[i], "-", codes[j])]] <- if (all(kinds == "single")) {
      two_way(a[, 1], b[, 1], length(questions[[i]]$choices), length(questions[[j]]$choices),
              options, questions[[i]]$ordinal && questions[[j]]$ordinal)
    } else if (all(kinds == "multi")) {
      multi_by_multi(a, b, options$alpha)
    } else if (kinds[1] == "single") {
      single_by_multi(a, b, options$alpha)
    } else {
      single_by_multi(b, a, options$alpha)
    }
    if (weighted) {
      key <- paste0(codes[i], "-", codes[j])
      pairs[[key]] <- c(pairs[[key]][names(pairs[[key]]) != "shown_p"],
                        weighted_pair(questions[[i]], questions[[j]], design))
    }
  }
  order <- vapply(codebook$questions, function(q) q$code, "")
  for (number in numbers) for (single in codebook$questions) {
    if (!(single$kind %in% c("single", "ordinal"))) next
    pair <- c(number$code, single$code)
    pair <- pair[order(match(pair, order))]
    groups <- given[[match(single$code, codes)]][, 1]
    pairs[[paste(pair, collapse = "-")]] <- kruskal_pair(number_values[[number$code]], groups)
  }
  # Every pair of analysis.json takes part in the adjustment: one not recomputed with its p,
  # and, as R's random numbers are not numpy's, a Monte Carlo p as analysis.json has it
  # (checked within its simulation error below).
  listed <- vapply(analysis$pairs, function(pair) paste0(pair$a, "-", pair$b), "")
  shown <- vapply(seq_along(listed), function(k) {
    theirs <- analysis$pairs[[k]]
    ours <- pairs[[listed[k]]]
    trend <- !is.null(ours$linear_by_linear) && !is.na(ours$linear_by_linear$p)
    value <- if (weighted && !is.null(ours)) ours$shown_p
             else if (trend) ours$shown_p
             else if (!is.null(theirs$p_exact)) theirs$p_exact
             else if (!is.null(ours)) ours$shown_p
             else theirs$p
    if (is.null(value)) NA else value
  }, 0)
  method <- c(bh = "BH", holm = "holm", none = "none")[[options$adjust]]
  adjusted <- rep(NA, length(shown))
  adjusted[!is.na(shown)] <- p.adjust(shown[!is.na(shown)], method = method)
  for (k in seq_along(listed)) {
    theirs <- analysis$pairs[[k]]
    where <- listed[k]
    if (!(where %in% names(pairs))) { skipped <- c(skipped, where); next }
    ours <- pairs[[where]]
    ours$p_adjusted <- adjusted[k]
    judged <- if (isTRUE(options$significance_adjusted)) adjusted[k] else shown[k]
    ours$significant <- if (is.na(judged)) NA else judged < options$alpha
    for (field in intersect(compared, names(theirs))) {
      differ(paste0(where, ".", field), ours[[field]], theirs[[field]])
    }
    if (weighted) differ_rao_scott(where, ours$rao_scott, theirs$rao_scott)
    for (m in seq_along(theirs$items)) {
      if (is.null(ours$items)) next
      for (field in c("statistic", "p")) {
        differ(paste0(where, ".items[", m - 1, "].", field), ours$items[[m]][[field]],
               theirs$items[[m]][[field]])
      }
    }
    if (!is.null(theirs$p_exact) && !weighted) {
      p <- theirs$p_exact; simulations <- theirs$permutations
      error <- 4 * sqrt(2 * p * (1 - p) / simulations) + 2 / (simulations + 1)
      checked <<- checked + 1
      if (abs(ours$p_exact - p) > error) {
        found[[length(found) + 1]] <<- c(paste0(where, ".p_exact (Monte Carlo)"),
                                         format(ours$p_exact), format(p))
      }
    }
  }
  if (weighted && !is.null(analysis$weights)) {
    summary <- weights_summary(design)
    if (summary$n == analysis$weights$n) {  # else filtered: summarised over every response
      differ("weights", summary, analysis$weights[names(analysis$weights) != "sweeps"])
    }
  }
  if (length(skipped) > 0) {
    cat("Not recomputed (kinds this script does not test):", paste(skipped, collapse = ", "), "\n")
  }
  cat(sprintf("%-40s %22s %22s\n", "number", "recomputed", "analysis.json"))
  for (row in found) cat(sprintf("%-40s %22s %22s\n", row[1], row[2], row[3]))
  cat(sprintf("R: %d values checked, %d differ by more than %g.\n", checked, length(found), tolerance))
  quit(status = if (length(found) > 0) 1 else 0)
}

arguments <- commandArgs(trailingOnly = TRUE)
main(if (length(arguments) > 0) arguments[1] else ".")
