"""Statistics of change: pure functions of numbers (numpy/scipy only, no Django).

Modules: ``change`` (reliable and clinical change), ``intervals`` (confidence intervals, effect size),
``gas`` (goal attainment scaling), ``funnels`` (funnel limits, over-dispersion), ``suppression``
(small-number suppression); the public names are re-exported here.

Sources (see each function's docstring for the formula it implements):

- Jacobson NS, Truax P (1991). Clinical significance: a statistical approach to defining meaningful change
  in psychotherapy research. J Consult Clin Psychol 59:12-19, doi:10.1037/0022-006X.59.1.12.
- Lakens D (2013). Calculating and reporting effect sizes ... t-tests and ANOVAs. Front Psychol 4:863,
  doi:10.3389/fpsyg.2013.00863. Becker BJ (1988). Synthesizing standardized mean-change measures. Br J Math
  Stat Psychol 41:257-278, doi:10.1111/j.2044-8317.1988.tb00901.x. Morris SB, DeShon RP (2002). Psychol
  Methods 7:105-125, doi:10.1037/1082-989X.7.1.105.
- Kiresuk TJ, Sherman RE (1968). Goal attainment scaling. Community Ment Health J 4:443-453,
  doi:10.1007/BF01530764.
- Wilson EB (1927). Probable inference ... J Am Stat Assoc 22:209-212, doi:10.1080/01621459.1927.10502953;
  Newcombe RG (1998). Stat Med 17:857-872 (method 3).
- Spiegelhalter DJ (2005). Funnel plots for comparing institutional performance. Stat Med 24:1185-1202,
  doi:10.1002/sim.1970. Spiegelhalter DJ, Sherlaw-Johnson C, et al (2012). Statistical methods for
  healthcare regulation: rating, screening and surveillance. J R Stat Soc A 175:1-47,
  doi:10.1111/j.1467-985X.2011.01010.x. Spiegelhalter DJ (2005). Handling over-dispersion of performance
  indicators. Qual Saf Health Care 14:347-351, doi:10.1136/qshc.2005.013755. DerSimonian R, Laird N (1986),
  doi:10.1016/0197-2456(86)90046-2; its worked example: Viechtbauer W (2010), J Stat Softw 36(3),
  doi:10.18637/jss.v036.i03 (the BCG trials, tau² = 0.3088).
  Reference implementation read: R package FunnelPlotR (nhs-r-community), files R/calculate_limits.R and
  R/od_adjustment.R.
- Small-number suppression: Danmarks Statistik's rule (no figure about fewer than k >= 3 persons); the
  secondary suppression is the classical cell-suppression problem (Cox LH 1980, J Am Stat Assoc 75:377-385,
  doi:10.1080/01621459.1980.10477481): a hidden cell is safe when it is not fixed by the linear system.

Every function raises ValueError with an English message on bad input (NaN, empty, out of range).
"""

from .change import (
    CATEGORIES,
    RELIABLE_Z,
    classify_by_mid,
    classify_change,
    clinical_cutoff,
    reliable_change_index,
    reliable_change_threshold,
)
from .funnels import (
    dersimonian_laird,
    funnel_limits_mean,
    funnel_limits_proportion,
    funnel_limits_ratio,
    overdispersion,
    overdispersion_means,
)
from .gas import gas_t_score
from .intervals import effect_size_pre_post, mean_change_ci, wilson_interval
from .suppression import SuppressionResult, suppress_table

__all__ = [
    "CATEGORIES",
    "RELIABLE_Z",
    "SuppressionResult",
    "classify_by_mid",
    "classify_change",
    "clinical_cutoff",
    "dersimonian_laird",
    "effect_size_pre_post",
    "funnel_limits_mean",
    "funnel_limits_proportion",
    "funnel_limits_ratio",
    "gas_t_score",
    "mean_change_ci",
    "overdispersion",
    "overdispersion_means",
    "reliable_change_index",
    "reliable_change_threshold",
    "suppress_table",
    "wilson_interval",
]
