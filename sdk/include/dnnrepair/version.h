/**
 * @file version.h
 * @brief SDK version macros.
 *
 * A plugin records the SDK version it was compiled against in its descriptor
 * (DNNR_PLUGIN_DEFINE does it). The host refuses a plugin whose major version
 * differs from its own, or whose minor version is newer than its own.
 *
 * Appending a member to a table or value struct, adding an enum value at the
 * end, or adding a plugin kind raises the minor version. Reordering, removing,
 * retyping or changing the meaning of anything raises the major version.
 */
#ifndef DNNREPAIR_VERSION_H
#define DNNREPAIR_VERSION_H

#define DNNR_SDK_VERSION_MAJOR 1
#define DNNR_SDK_VERSION_MINOR 2

/** Both parts in one comparable number: major * 1000 + minor. */
#define DNNR_SDK_VERSION_NUMBER (DNNR_SDK_VERSION_MAJOR * 1000 + DNNR_SDK_VERSION_MINOR)

#endif
