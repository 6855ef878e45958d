/*
 * banned.h - functions hashpivot's code must not call, made into compile
 * errors (after git's banned.h). Included first in every translation unit
 * by the Makefile. Use snprintf, strtoll/strtod with checks, gmtime_r.
 */
#ifndef HASHPIVOT_BANNED_H
#define HASHPIVOT_BANNED_H

#define HP_BANNED(func) sorry_##func##_is_a_banned_function

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#undef strcpy
#define strcpy(x, y) HP_BANNED(strcpy)
#undef strcat
#define strcat(x, y) HP_BANNED(strcat)
#undef strncpy
#define strncpy(x, y, n) HP_BANNED(strncpy)
#undef sprintf
#define sprintf(...) HP_BANNED(sprintf)
#undef vsprintf
#define vsprintf(...) HP_BANNED(vsprintf)
#undef strtok
#define strtok(x, y) HP_BANNED(strtok)
#undef gmtime
#define gmtime(t) HP_BANNED(gmtime)
#undef localtime
#define localtime(t) HP_BANNED(localtime)
#undef atoi
#define atoi(s) HP_BANNED(atoi)
#undef atol
#define atol(s) HP_BANNED(atol)
#undef atof
#define atof(s) HP_BANNED(atof)
#undef rand
#define rand() HP_BANNED(rand)
#undef gets
#define gets(s) HP_BANNED(gets)

#endif
