/* Statistics of the repair study and of DeepCrime's fault killing
 * (reference/STATISTICS.md): the Wilcoxon signed-rank test as scipy computes
 * it, DeepCrime's GLM z-test and Cohen's d, the Vargha-Delaney A12, the
 * improvement rate, stability, patch complexity and the Asymmetric Jaccard.
 *
 * Plain C with no dependency on the rest of the core: the metric plugins
 * compile these files into their own shared objects (they cannot link the
 * host). So nothing here calls dnnr__alloc or writes a dnnr_error; functions
 * return a dnnr_status and the caller words the message. The few functions
 * that need memory take a dnnr_stats_alloc (host->alloc in a plugin,
 * dnnr__alloc in the core, plain malloc when NULL). */
#ifndef DNNR_STATS_STATS_H
#define DNNR_STATS_STATS_H

#include <stddef.h>
#include <stdint.h>

#include <dnnrepair/space.h>
#include <dnnrepair/status.h>

/* ---- memory ------------------------------------------------------------ */

/** Where the functions below get scratch memory; the signatures match dnnr_host's. */
typedef struct dnnr_stats_alloc {
    void *ctx;
    void *(*alloc)(void *ctx, size_t n, size_t size); /**< zeroed; NULL when out of memory */
    void (*free)(void *ctx, void *p);
} dnnr_stats_alloc;

/* ---- basic summaries (summary.c) --------------------------------------- */

/** Arithmetic mean; NaN for n = 0. */
double dnnr__mean(const double *x, size_t n);
/** Sum of squared deviations from the mean; 0 for n < 1. */
double dnnr__sum_sq_dev(const double *x, size_t n);
/** Population standard deviation (numpy's default, ddof = 0); NaN for n = 0. */
double dnnr__stddev_pop(const double *x, size_t n);
/** Sample standard deviation (ddof = 1); NaN for n < 2. */
double dnnr__stddev_sample(const double *x, size_t n);

/* ---- numbers as Python prints and parses them (rounding.c) ------------- */

/**
 * round(x, decimals) as Python 3 computes it: the exact binary value rounded
 * half to even, which glibc's "%.*f" does; the text is parsed back. decimals
 * < 0 returns x unchanged. NaN and infinities pass through.
 */
double dnnr__round_decimals(double x, int decimals);

/* ---- the standard normal distribution (normal.c) ----------------------- */

/** P(Z > z), computed as cephes' ndtr does (scipy.stats.norm.sf). */
double dnnr__normal_sf(double z);
/** Two-sided p-value of a z statistic: 2 * P(Z > |z|). NaN for NaN. */
double dnnr__normal_two_sided_p(double z);

/* ---- ranking (ranks.c) -------------------------------------------------- */

/**
 * Average ranks (1-based, ties share the mean of their positions), as
 * scipy.stats.rankdata(method="average"). Ties are exact equality of doubles.
 * @param tie_term OUT, may be NULL: sum over tie groups of t(t^2 - 1)
 * @return DNNR_OK, DNNR_ENOMEM
 */
int dnnr__rank_average(const double *x, size_t n, double *ranks, double *tie_term,
                       const dnnr_stats_alloc *mem);

/* ---- Wilcoxon signed-rank test (wilcoxon.c, wilcoxon_exact.c) ----------- */

/** How the p-value is computed. */
typedef enum dnnr_wilcoxon_method {
    /**
     * Normal approximation with the tie-corrected variance, no continuity
     * correction, zero differences dropped: scipy 1.4's default, which the
     * study used, and scipy >= 1.5 with method="approx".
     */
    DNNR_WILCOXON_APPROX = 0,
    /**
     * Exact null distribution of R+ (scipy method="exact"). As scipy does,
     * zero differences switch to the approximation, and ties are allowed but
     * R+ is truncated to an integer (the exact distribution assumes none).
     */
    DNNR_WILCOXON_EXACT = 1,
    /** scipy 1.9-1.14's default "auto": exact when n <= 50, else approx. */
    DNNR_WILCOXON_AUTO = 2,
} dnnr_wilcoxon_method;

/** Largest n the exact distribution is computed for (memory n^2/2 doubles). */
#define DNNR_WILCOXON_EXACT_MAX_N 2000

typedef struct dnnr_wilcoxon {
    double w; /**< scipy's statistic: min(R+, R-), two-sided */
    double r_plus, r_minus;
    double z;      /**< (W - mean)/sd; NaN when the exact method ran */
    double p;      /**< two-sided p-value */
    size_t n;      /**< pairs given */
    size_t n_used; /**< differences ranked (zeros dropped under the approximation) */
    size_t n_zero; /**< zero differences */
    int has_ties;  /**< some |d| tie (tie correction or exact truncation applied) */
    dnnr_wilcoxon_method method_used; /**< APPROX or EXACT */
} dnnr_wilcoxon;

/**
 * scipy.stats.wilcoxon(x, y, zero_method="wilcox", correction=False,
 * alternative="two-sided", method=...): paired by position, d = x - y in
 * doubles exactly as given (2-decimal inputs keep scipy's float ties).
 * @return DNNR_OK; DNNR_EINVAL when n = 0, an input is not finite, or every
 *         difference is zero under the approximation (scipy's ValueError;
 *         the study then took p = 1), with out's numbers NaN; DNNR_ENOMEM;
 *         DNNR_EUNSUPPORTED for the exact method above DNNR_WILCOXON_EXACT_MAX_N.
 */
int dnnr__wilcoxon(const double *x, const double *y, size_t n, dnnr_wilcoxon_method method,
                   const dnnr_stats_alloc *mem, dnnr_wilcoxon *out);

/**
 * The exact two-sided p for R+ = r_plus (truncated to an integer) among n
 * non-zero differences, as scipy: 2 * min(P(R+ <= r), P(R+ >= r)), 1 at the
 * centre, at most 1.
 */
int dnnr__wilcoxon_exact_p(size_t n, double r_plus, const dnnr_stats_alloc *mem, double *p);

/* ---- DeepCrime's killing criterion (glm.c, cohen.c, killing.c) --------- */

typedef struct dnnr_glm_test {
    double diff; /**< mean(b) - mean(a) */
    double se;   /**< sqrt(s^2 (1/na + 1/nb)), s^2 the pooled variance */
    double z;
    double p; /**< two-sided, from the normal distribution */
} dnnr_glm_test;

/**
 * statsmodels' GLM (Gaussian family, identity link) of the pooled values on
 * an intercept and a 0/1 indicator (a = 0, b = 1): the Wald z-test of the
 * indicator. Needs na, nb >= 1 and na + nb >= 3.
 */
int dnnr__glm_indicator_test(const double *a, size_t na, const double *b, size_t nb,
                             dnnr_glm_test *out);

/**
 * Cohen's d as DeepCrime: (mean(a) - mean(b)) / s_pooled, sd with ddof = 1.
 * s_pooled = 0 gives +-inf, or NaN when the means are equal (numpy's answer).
 * NaN when na + nb < 3.
 */
double dnnr__cohens_d(const double *a, size_t na, const double *b, size_t nb);

/** A p-value as DeepCrime reads it from statsmodels' summary: "%.3f" parsed back. */
double dnnr__p_three_decimals(double p);

typedef struct dnnr_killing {
    double mean_faulty, mean_fix;
    double z;   /**< GLM z of faulty against fix (negative: faulty lower) */
    double p;   /**< GLM p, full precision */
    double p3;  /**< p as DeepCrime reads it (3 decimals) */
    double d;   /**< Cohen's d, (mean(fix) - mean(faulty)) / s_pooled */
    int killed; /**< p3 < 0.05 and d >= 0.5 (maximise) or d <= -0.5 (loss) */
} dnnr_killing;

/** The significance bound and effect-size bound of DeepCrime. */
#define DNNR_KILLING_ALPHA 0.05
#define DNNR_KILLING_EFFECT 0.5

/**
 * DeepCrime's statistical killing: is the faulty program (DeepCrime's
 * mutant) worse than the fix (its original)? Unpaired samples of independent
 * trainings. @p maximise nonzero for accuracy, zero for a loss.
 */
int dnnr__killing_criterion(const double *faulty, size_t nf, const double *fix, size_t nx,
                            int maximise, dnnr_killing *out);

/* ---- Vargha-Delaney A12 (vargha_delaney.c) ------------------------------ */

typedef enum dnnr_a12_magnitude {
    DNNR_A12_NEGLIGIBLE = 0,
    DNNR_A12_SMALL = 1,
    DNNR_A12_MEDIUM = 2,
    DNNR_A12_LARGE = 3,
} dnnr_a12_magnitude;

/**
 * A12 = (2 R1 - m(m+1)) / (2 m n), R1 the rank sum of @p a in the pooled
 * average ranking: the probability that a value of a beats one of b (ties
 * count half). The study's notebook refuses m != n; the formula does not need it.
 */
int dnnr__vargha_delaney_a12(const double *a, size_t m, const double *b, size_t n,
                             const dnnr_stats_alloc *mem, double *a12);
/** Hess & Kromrey bounds on |2A - 1|: 0.147, 0.33, 0.474, inclusive. */
dnnr_a12_magnitude dnnr__a12_magnitude(double a12);
const char *dnnr__a12_magnitude_name(dnnr_a12_magnitude m);

/* ---- patch value statistics (improvement.c, patch.c) ------------------- */

/**
 * Improvement rate (mu_patch - mu_faulty) / (mu_fix - mu_faulty). The study's
 * loss form (mu_F - mu_P)/(mu_F - mu_G) is the same number, so there is no
 * direction argument: IR > 0 always means "moved toward the fix". NaN when
 * mu_fix = mu_faulty (the notebook divided by zero).
 */
double dnnr__improvement_rate(double mean_patched, double mean_faulty, double mean_fix);

/**
 * Whether a repeat produced a patch, in the study's sense (3.1): its final
 * value is finite and strictly better than the faulty mean (by more than
 * 1e-9 relative, so a value clamped to a differently summed mean is not
 * mistaken for one). A value clamped to the faulty mean is not a patch.
 */
int dnnr__patch_exists(double value, double mean_faulty, int maximise);

/* ---- configurations: complexity and Asymmetric Jaccard ------------------ */

/**
 * Whether parameter @p p holds the same value in a and b under the study's
 * casting rules (3.5): names containing "epochs", "batch_size", "unit" or
 * "layer" compare as integers (floats truncated), names containing "lr" as
 * floats, the rest as their kind's value (a categorical by its choice).
 */
int dnnr__param_value_equal(const dnnr_param *p, dnnr_value a, dnnr_value b);

/** Parameters where a and b differ (dnnr__param_value_equal), over all of the space. */
size_t dnnr__config_changed_count(const dnnr_space *space, const dnnr_value *a,
                                  const dnnr_value *b);

/**
 * Patch complexity: changed parameters (patch against the faulty
 * configuration) / all parameters, fixed ones included. NaN for an empty space.
 */
double dnnr__patch_complexity(const dnnr_space *space, const dnnr_value *faulty,
                              const dnnr_value *patch);
/**
 * The same for a patch that also makes @p edits trial extras (SDK 1.2):
 * each edit counts as one more changed parameter of a space that has one
 * more parameter, (changed + edits) / (n + edits), so it stays in [0, 1]
 * and a patch that only adds batch normalisation is not "no change".
 */
double dnnr__patch_complexity_edits(const dnnr_space *space, const dnnr_value *faulty,
                                    const dnnr_value *patch, unsigned edits);

/** Ground-truth complexity: the same between faulty and fix, floored at 1/n. */
double dnnr__fix_complexity(const dnnr_space *space, const dnnr_value *faulty,
                            const dnnr_value *fix);

/** Repair operators, the study's AJ vocabulary (3.6), as bits of a set. */
typedef enum dnnr_repair_operator {
    DNNR_OP_ACT = 1u << 0,
    DNNR_OP_BATCH_SIZE = 1u << 1,
    DNNR_OP_EPOCHS = 1u << 2,
    DNNR_OP_LOSS = 1u << 3,
    DNNR_OP_LR = 1u << 4,
    DNNR_OP_OPTIMIZER = 1u << 5,
    DNNR_OP_KI = 1u << 6,
    DNNR_OP_KR = 1u << 7,
} dnnr_repair_operator;

/**
 * The operator of a parameter name: the first of act, batch_size, epochs,
 * loss, lr, optimizer, ki, kr it contains; 0 for none (bi*, dropout*, unit*,
 * layer* are ignored).
 */
unsigned dnnr__operator_of_name(const char *name);
/** The operators of the parameters where a and b differ. */
unsigned dnnr__operators_changed(const dnnr_space *space, const dnnr_value *a, const dnnr_value *b);
/** |gt & patch| / |gt|; 0 when gt is empty (a fault outside the search space). */
double dnnr__asymmetric_jaccard(unsigned gt, unsigned patch);

/** Which patch operator set AJ uses. */
typedef enum dnnr_aj_rule {
    /**
     * As the study's notebook codes it: operators where the patch differs
     * from the fix. A patch that keeps a faulty value still "contains" its
     * operator, and a patch equal to the fix contains none (AJ 0).
     */
    DNNR_AJ_STUDY = 0,
    /** As the study describes it: operators the patch changed from the faulty model. */
    DNNR_AJ_INTENDED = 1,
} dnnr_aj_rule;

/** AJ of one patch; GT = operators where faulty and fix differ. */
double dnnr__patch_jaccard(const dnnr_space *space, const dnnr_value *faulty, const dnnr_value *fix,
                           const dnnr_value *patch, dnnr_aj_rule rule);

#endif
