#include "warp.h"

#include <math.h>

double hebo_kumaraswamy(double x, double a, double b, double lo, double hi, double *dwa,
                        double *dwb)
{
    double u = (x - lo) / (hi - lo);
    double ua = pow(u, a);
    double one_minus = 1.0 - ua;
    double pb = pow(one_minus, b);
    if (dwa)
        *dwa = b * pow(one_minus, b - 1.0) * ua * log(u);
    if (dwb)
        *dwb = -pb * log(one_minus);
    return 1.0 - pb;
}
