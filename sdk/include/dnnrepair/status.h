/**
 * @file status.h
 * @brief Status codes shared by the host and plugins.
 *
 * 0 is success, negative values are errors (as in libuv and ggml). The text of
 * a failure goes through dnnr_host::set_error; the code says only its class.
 * Trial outcomes (ok, diverged, invalid, crashed, timeout) are result data
 * (dnnr_trial_status in searcher.h), never status codes.
 */
#ifndef DNNREPAIR_STATUS_H
#define DNNREPAIR_STATUS_H

/* XX(name, value, description) */
#define DNNR_STATUS_MAP(XX)                                                    \
    XX(OK, 0, "success")                                                       \
    XX(EINVAL, -1, "invalid argument")                                         \
    XX(ENOMEM, -2, "out of memory")                                            \
    XX(EIO, -3, "input/output error")                                          \
    XX(EPARSE, -4, "malformed input")                                          \
    XX(ENOTFOUND, -5, "not found")                                             \
    XX(EVERSION, -6, "incompatible version")                                   \
    XX(EUNSUPPORTED, -7, "not supported")                                      \
    XX(EAGAIN, -8, "no request now; ask again after a result arrives")        \
    XX(EDONE, -9, "finished; nothing more to ask")                             \
    XX(EINTERNAL, -10, "internal error")                                       \
    XX(ECANCELLED, -11, "cancelled")

/** Status codes. @since 1.0 */
typedef enum dnnr_status {
#define DNNR_STATUS_ENUM_(name, value, text) DNNR_##name = value,
    DNNR_STATUS_MAP(DNNR_STATUS_ENUM_)
#undef DNNR_STATUS_ENUM_
} dnnr_status;

/** The constant's name without prefix ("EINVAL"), or "UNKNOWN". @since 1.0 */
static inline const char *dnnr_status_name(int status)
{
    switch (status) {
#define DNNR_STATUS_NAME_(name, value, text)                                   \
    case value:                                                                \
        return #name;
        DNNR_STATUS_MAP(DNNR_STATUS_NAME_)
#undef DNNR_STATUS_NAME_
    }
    return "UNKNOWN";
}

/** A short English description of the code. @since 1.0 */
static inline const char *dnnr_strerror(int status)
{
    switch (status) {
#define DNNR_STATUS_TEXT_(name, value, text)                                   \
    case value:                                                                \
        return text;
        DNNR_STATUS_MAP(DNNR_STATUS_TEXT_)
#undef DNNR_STATUS_TEXT_
    }
    return "unknown status";
}

#endif
