/* statsmodels' KDEMultivariate (normal_reference bandwidths, Gaussian and
 * Aitchison-Aitken kernels), operation for operation: the kernel values of a
 * row are multiplied in column order, divided by the product of the
 * continuous bandwidths, summed over rows and divided by n, so that IEEE
 * infinities and NaNs arise exactly where numpy's do. */
#include "kde.h"

#include <math.h>
#include <string.h>

double bohb_kde_normal_reference(const double *data, size_t n, size_t d, size_t column)
{
    if (n == 0)
        return 0.0;
    double mean = 0.0;
    for (size_t i = 0; i < n; i++)
        mean += data[i * d + column];
    mean /= (double)n;
    double var = 0.0;
    for (size_t i = 0; i < n; i++) {
        double dev = data[i * d + column] - mean;
        var += dev * dev;
    }
    double sd = sqrt(var / (double)n); /* population std, as numpy's default */
    return 1.06 * sd * pow((double)n, -1.0 / (4.0 + (double)d));
}

static uint32_t distinct_values(const double *data, size_t n, size_t d, size_t column)
{
    uint32_t count = 0;
    for (size_t i = 0; i < n; i++) {
        int seen = 0;
        for (size_t j = 0; j < i && !seen; j++)
            seen = data[j * d + column] == data[i * d + column];
        count += !seen;
    }
    return count;
}

int bohb_kde_fit(bohb_kde *kde, const double *data, size_t n, size_t d, const uint8_t *is_cat,
                 double min_bandwidth, const dnnr_host *host)
{
    memset(kde, 0, sizeof *kde);
    size_t cells = n * d;
    kde->data = host->alloc(host->ctx, cells > 0 ? cells : 1, sizeof(double));
    kde->bandwidth = host->alloc(host->ctx, d ? d : 1, sizeof(double));
    kde->levels = host->alloc(host->ctx, d ? d : 1, sizeof(uint32_t));
    if (!kde->data || !kde->bandwidth || !kde->levels) {
        bohb_kde_free(kde, host);
        return -1;
    }
    kde->n = n;
    kde->d = d;
    kde->is_cat = is_cat;
    if (cells > 0)
        memcpy(kde->data, data, cells * sizeof(double));
    for (size_t j = 0; j < d; j++) {
        double h = bohb_kde_normal_reference(data, n, d, j);
        kde->bandwidth[j] = h < min_bandwidth ? min_bandwidth : h;
        kde->levels[j] = is_cat[j] ? distinct_values(data, n, d, j) : 0;
    }
    return 0;
}

void bohb_kde_free(bohb_kde *kde, const dnnr_host *host)
{
    host->free(host->ctx, kde->data);
    host->free(host->ctx, kde->bandwidth);
    host->free(host->ctx, kde->levels);
    memset(kde, 0, sizeof *kde);
}

/* statsmodels.nonparametric.kernels.aitchison_aitken: 1 - h on a match,
 * h / (L - 1) otherwise; L = 1 makes that h / 0 = +inf (numpy's result). */
static double aitchison_aitken(double h, uint32_t levels, double xi, double x)
{
    if (xi == x)
        return 1.0 - h;
    return levels > 1 ? h / (double)(levels - 1) : h * INFINITY;
}

double bohb_kde_pdf(const bohb_kde *kde, const double *x)
{
    if (kde->n == 0)
        return 0.0;
    const double inv_sqrt_2pi = 0.39894228040143267794;
    double bw_product = 1.0;
    for (size_t j = 0; j < kde->d; j++)
        if (!kde->is_cat[j])
            bw_product *= kde->bandwidth[j];

    double sum = 0.0;
    for (size_t i = 0; i < kde->n; i++) {
        const double *row = kde->data + i * kde->d;
        double k = 1.0;
        for (size_t j = 0; j < kde->d; j++) {
            double h = kde->bandwidth[j];
            if (kde->is_cat[j]) {
                k *= aitchison_aitken(h, kde->levels[j], row[j], x[j]);
            } else {
                double diff = row[j] - x[j];
                k *= inv_sqrt_2pi * exp(-(diff * diff) / (h * h * 2.0));
            }
        }
        sum += k / bw_product;
    }
    return sum / (double)kde->n;
}
