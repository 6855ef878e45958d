/*
 * common.h - what every hashpivot header needs: the export marker and the
 * library version.
 *
 * Symbols marked HP_API are the library's public interface; everything else
 * is built with -fvisibility=hidden and stays internal to libhashpivot.
 */
#ifndef HASHPIVOT_COMMON_H
#define HASHPIVOT_COMMON_H

#if defined(__GNUC__) && defined(HP_BUILDING_LIBRARY)
#define HP_API __attribute__((visibility("default")))
#else
#define HP_API
#endif

#define HP_VERSION_MAJOR 0
#define HP_VERSION_MINOR 1
#define HP_VERSION_PATCH 0
#define HP_VERSION_STRING "0.1.0"

/* The version the library was built as ("0.1.0"); may differ from the
 * header's HP_VERSION_STRING when an application links another build. */
HP_API const char *hp_version(void);

#endif
