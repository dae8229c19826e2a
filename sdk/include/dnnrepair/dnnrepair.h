/**
 * @file dnnrepair.h
 * @brief The dnnrepair plugin SDK: include this one header.
 *
 * Plugins include only headers from this folder and never link against the
 * host: everything they need from it arrives in a dnnr_host table.
 */
#ifndef DNNREPAIR_H
#define DNNREPAIR_H

#include "version.h"
#include "status.h"
#include "rng.h"
#include "space.h"
#include "host.h"
#include "trial.h"
#include "plugin.h"
#include "searcher.h"
#include "loader.h"
#include "metric.h"
#include "backend.h"

#endif
