/* Python's round(x, k) rounds the exact binary value of x half to even
 * (round(0.5005, 3) = 0.5 because 0.5005 is stored a little below), and so
 * does glibc's printf: print with k decimals and parse the text back. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "stats/stats.h"

double dnnr__round_decimals(double x, int decimals)
{
    if (decimals < 0 || !isfinite(x))
        return x;
    /* %.*f of a double needs at most 309 integer digits + sign + point + decimals. */
    char text[400 + 32];
    if (decimals > 30)
        decimals = 30;
    snprintf(text, sizeof text, "%.*f", decimals, x);
    return strtod(text, NULL);
}
