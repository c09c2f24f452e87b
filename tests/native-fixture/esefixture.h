/*
 * esefixture: a small C library with the ABI of esent.dll's external backup surface, for the tests of
 * interop/ExternalBackup.Interop.Esent. Types follow ../shared/reference/ese-backup-api.md §1 and §2.5: built for
 * Windows (mingw-w64) they are esent.h's own (long, unsigned long: 32-bit on LLP64); built for Linux, the LP64
 * equivalents (unsigned long -> uint32_t, long -> int32_t); JET_INSTANCE/JET_SESID/JET_HANDLE/JET_API_PTR -> uintptr_t,
 * WCHAR -> uint16_t (UTF-16) on both.
 * It is test code: it serves a real folder of ESE files with the basic sequence rules of §5/§8, records
 * every call, and fails a named call with a given code on its Nth use when told to.
 */
#ifndef ESEFIXTURE_H
#define ESEFIXTURE_H

#include <stdint.h>

#ifdef _WIN32
/* The Windows build (mingw-w64, the Windows lane's esent.dll) declares esent.h's own C types, so the Windows
 * compiler decides widths and layouts: long and unsigned long are 32-bit (LLP64), JET_API is __stdcall. */
typedef long JET_LONG;
typedef unsigned long JET_ULONG;
#define JET_API __stdcall
#else
typedef int32_t JET_LONG;
typedef uint32_t JET_ULONG;
#define JET_API
#endif

typedef JET_LONG JET_ERR;
typedef uintptr_t JET_API_PTR;
typedef JET_API_PTR JET_INSTANCE;
typedef JET_API_PTR JET_SESID;
typedef JET_API_PTR JET_HANDLE;
typedef JET_ULONG JET_GRBIT;
typedef JET_ULONG JET_SNP;
typedef JET_ULONG JET_SNT;
typedef uint16_t WCHAR;

typedef JET_ERR (JET_API *JET_PFNSTATUS)(JET_SESID sesid, JET_SNP snp, JET_SNT snt, void *pv);

/* esent.h uses pack 8 on _WIN64 (HDR:55-58); pack 1 for JET_LGPOS / JET_LOGTIME (HDR:2068-2173). */
#pragma pack(push, 8)
typedef struct { JET_ULONG cbSize; JET_ULONG ulGenLow; JET_ULONG ulGenHigh; WCHAR szBaseName[4]; } JET_LOGINFO_W;
typedef struct { WCHAR *szDatabaseName; WCHAR *szNewDatabaseName; } JET_RSTMAP_W;
typedef struct { JET_ULONG cbStruct; JET_ULONG cunitDone; JET_ULONG cunitTotal; } JET_SNPROG;
#pragma pack(push, 1)
typedef struct { uint16_t ib; uint16_t isec; JET_LONG lGeneration; } JET_LGPOS;
typedef struct { uint8_t bSeconds, bMinutes, bHours, bDay, bMonth, bYear, bFiller1, bFiller2; } JET_LOGTIME;
#pragma pack(pop)
typedef struct {
    JET_ULONG cbStruct;
    JET_RSTMAP_W *rgrstmap;
    JET_LONG crstmap;
    JET_LGPOS lgposStop;
    JET_LOGTIME logtimeStop;
    JET_PFNSTATUS pfnStatus;
} JET_RSTINFO_W;
#pragma pack(pop)

/* FixtureFailCall's code for "raise a native exception instead of returning" (Windows builds only). */
#define FIXTURE_RAISE 0x52414953

/* Error codes used by the fixture (esent.h values, reference §4.1). */
#define JET_errSuccess 0
#define JET_errNoBackup (-520)
#define JET_errInvalidBackupSequence (-521)
#define JET_errBackupNotAllowedYet (-523)
#define JET_errMissingFileToBackup (-569)
#define JET_errLogFileNotCopied (-616)
#define JET_errBackupAbortByServer (-801)
#define JET_errInvalidGrbit (-900)
#define JET_errInvalidParameter (-1003)
#define JET_errOutOfMemory (-1011)
#define JET_errDiskIO (-1022)
#define JET_errInvalidPath (-1023)
#define JET_errNotInitialized (-1029)
#define JET_errAlreadyInitialized (-1030)
#define JET_errBackupInProgress (-505)
#define JET_errDatabaseNotFound (-1203)
#define JET_errFileNotFound (-1811)
#define JET_errInvalidInstance (-1115)

#endif
