/*
 * esefixture: see esefixture.h. Built by the tests with
 *   gcc -shared -fPIC -O2 -fvisibility=hidden -o libesefixture.so esefixture.c -lpthread
 * and, as the Windows esent.dll of the Windows lane (.ci/windows-lane), with
 *   x86_64-w64-mingw32-gcc -shared -O2 -static -D__USE_MINGW_ANSI_STDIO=1 -o esent.dll esefixture.c -lpthread
 * Exported Jet* functions keep the exact C signatures of ../shared/reference/ese-backup-api.md §2;
 * Fixture* functions are test controls (call log, fault injection, struct layout echo).
 */
#define _GNU_SOURCE
#include "esefixture.h"

#include <dirent.h>
#include <errno.h>
#include <pthread.h>
#include <stddef.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#ifdef _WIN32
#include <windows.h>

/* Windows: paths are UTF-8 inside the fixture and UTF-16 at the file APIs (the ANSI ones lose non-ASCII names). */
static wchar_t *wide(const char *s)
{
    int n = MultiByteToWideChar(CP_UTF8, 0, s, -1, NULL, 0);
    wchar_t *w = malloc((size_t)(n > 0 ? n : 1) * sizeof *w);
    if (n <= 0 || !MultiByteToWideChar(CP_UTF8, 0, s, -1, w, n)) w[0] = 0;
    return w;
}

static FILE *utf8_fopen(const char *path, const char *mode)
{
    wchar_t *p = wide(path), *m = wide(mode);
    FILE *f = _wfopen(p, m);
    free(p); free(m);
    return f;
}

/* POSIX rename replaces an existing target; so does MoveFileExW with MOVEFILE_REPLACE_EXISTING. */
static int utf8_rename(const char *from, const char *to)
{
    wchar_t *a = wide(from), *b = wide(to);
    int r = MoveFileExW(a, b, MOVEFILE_REPLACE_EXISTING) ? 0 : -1;
    free(a); free(b);
    return r;
}

static int utf8_unlink(const char *path)
{
    wchar_t *p = wide(path);
    int r = _wunlink(p);
    free(p);
    return r;
}

/* struct stat and off_t are 32-bit sized on Windows: 64-bit ones, so database files beyond 4 GiB keep their size. */
struct fx_stat { unsigned int st_mode; int64_t st_size; };

static int fx_stat(const char *path, struct fx_stat *st)
{
    wchar_t *p = wide(path);
    /* _wstat64 refuses a folder named with a trailing separator (ESE's folder parameters end with one). */
    size_t n = wcslen(p);
    while (n > 1 && (p[n - 1] == L'\\' || p[n - 1] == L'/') && p[n - 2] != L':') p[--n] = 0;
    struct _stat64 w;
    int r = _wstat64(p, &w);
    free(p);
    st->st_mode = r == 0 ? w.st_mode : 0;
    st->st_size = r == 0 ? w.st_size : 0;
    return r;
}

static int fx_fstat(int fd, struct fx_stat *st)
{
    struct _stat64 w;
    int r = _fstat64(fd, &w);
    st->st_mode = r == 0 ? w.st_mode : 0;
    st->st_size = r == 0 ? w.st_size : 0;
    return r;
}

typedef struct { _WDIR *d; struct dirent e; } Utf8Dir;

static Utf8Dir *utf8_opendir(const char *path)
{
    wchar_t *p = wide(path);
    _WDIR *d = _wopendir(p);
    free(p);
    if (!d) return NULL;
    Utf8Dir *u = calloc(1, sizeof *u);
    u->d = d;
    return u;
}

static struct dirent *utf8_readdir(Utf8Dir *u)
{
    struct _wdirent *w = _wreaddir(u->d);
    if (!w) return NULL;
    if (!WideCharToMultiByte(CP_UTF8, 0, w->d_name, -1, u->e.d_name, (int)sizeof u->e.d_name, NULL, NULL)) u->e.d_name[0] = 0;
    return &u->e;
}

static int utf8_closedir(Utf8Dir *u)
{
    int r = _wclosedir(u->d);
    free(u);
    return r;
}

#define fopen utf8_fopen
#define rename utf8_rename
#define unlink utf8_unlink
#define stat fx_stat
#define fstat fx_fstat
#define off_t int64_t
#define fseeko _fseeki64
#define DIR Utf8Dir
#define opendir utf8_opendir
#define readdir utf8_readdir
#define closedir utf8_closedir
#endif

#ifdef _WIN32
#define EXPORT __declspec(dllexport)
/* Windows: gmtime_s takes its arguments the other way round. */
#define gmtime_r(secs, tm) gmtime_s((tm), (secs))
#else
#define EXPORT __attribute__((visibility("default")))
#endif
#define MAX_INSTANCES 16
#define MAX_DBS 16
#define MAX_RULES 32
#define SESID_BASE 0x5E5000u

static pthread_mutex_t g_lock = PTHREAD_MUTEX_INITIALIZER;

/* ---------------------------------------------------------------- strings */

static size_t u16len(const WCHAR *s) { size_t n = 0; if (s) while (s[n]) n++; return n; }

static WCHAR *u16dup(const WCHAR *s)
{
    size_t n = u16len(s);
    WCHAR *d = malloc((n + 1) * sizeof(WCHAR));
    memcpy(d, s, n * sizeof(WCHAR));
    d[n] = 0;
    return d;
}

static int u16eq(const WCHAR *a, const WCHAR *b)
{
    size_t n = u16len(a);
    return n == u16len(b) && memcmp(a, b, n * sizeof(WCHAR)) == 0;
}

/* UTF-16 -> UTF-8 (malloc'd); lone surrogates become U+FFFD. */
static char *u16to8(const WCHAR *s)
{
    if (!s) return NULL;
    size_t n = u16len(s);
    char *out = malloc(n * 3 + 1), *p = out;
    for (size_t i = 0; i < n; i++) {
        uint32_t c = s[i];
        if (c >= 0xD800 && c <= 0xDBFF && i + 1 < n && s[i + 1] >= 0xDC00 && s[i + 1] <= 0xDFFF) {
            c = 0x10000 + ((c - 0xD800) << 10) + (s[i + 1] - 0xDC00);
            i++;
        } else if (c >= 0xD800 && c <= 0xDFFF) {
            c = 0xFFFD;
        }
        if (c < 0x80) *p++ = (char)c;
        else if (c < 0x800) { *p++ = (char)(0xC0 | (c >> 6)); *p++ = (char)(0x80 | (c & 0x3F)); }
        else if (c < 0x10000) { *p++ = (char)(0xE0 | (c >> 12)); *p++ = (char)(0x80 | ((c >> 6) & 0x3F)); *p++ = (char)(0x80 | (c & 0x3F)); }
        else { *p++ = (char)(0xF0 | (c >> 18)); *p++ = (char)(0x80 | ((c >> 12) & 0x3F)); *p++ = (char)(0x80 | ((c >> 6) & 0x3F)); *p++ = (char)(0x80 | (c & 0x3F)); }
    }
    *p = 0;
    return out;
}

/* UTF-8 -> UTF-16 (malloc'd). */
static WCHAR *u8to16(const char *s)
{
    size_t n = strlen(s);
    WCHAR *out = malloc((n + 1) * sizeof(WCHAR)), *p = out;
    const unsigned char *u = (const unsigned char *)s;
    while (*u) {
        uint32_t c; int extra;
        if (*u < 0x80) { c = *u; extra = 0; }
        else if ((*u & 0xE0) == 0xC0) { c = *u & 0x1F; extra = 1; }
        else if ((*u & 0xF0) == 0xE0) { c = *u & 0x0F; extra = 2; }
        else { c = *u & 0x07; extra = 3; }
        u++;
        while (extra-- > 0 && *u) { c = (c << 6) | (*u & 0x3F); u++; }
        if (c >= 0x10000) { c -= 0x10000; *p++ = (WCHAR)(0xD800 + (c >> 10)); *p++ = (WCHAR)(0xDC00 + (c & 0x3FF)); }
        else *p++ = (WCHAR)c;
    }
    *p = 0;
    return out;
}

/* The last separator of a path: '/' and, on Windows, '\\' as well. */
static const char *last_separator(const char *path)
{
    const char *s = strrchr(path, '/');
#ifdef _WIN32
    const char *b = strrchr(path, '\\');
    if (b && (!s || b > s)) s = b;
#endif
    return s;
}

static char *join_path(const char *dir, const char *name)
{
    size_t a = strlen(dir);
    char *r = malloc(a + strlen(name) + 2);
    strcpy(r, dir);
    if (a > 0 && !last_separator(dir + a - 1)) strcat(r, "/");
    strcat(r, name);
    return r;
}

/* ---------------------------------------------------------------- call log and fault injection */

static char *g_log;
static size_t g_log_len, g_log_cap;

static void logf_(const char *fmt, ...)
{
    char line[8192];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(line, sizeof line - 2, fmt, ap);
    va_end(ap);
    if (n < 0) return;
    if ((size_t)n > sizeof line - 2) n = (int)(sizeof line - 2);
    line[n++] = '\n';
    if (g_log_len + (size_t)n + 1 > g_log_cap) {
        g_log_cap = (g_log_len + (size_t)n + 1) * 2;
        g_log = realloc(g_log, g_log_cap);
    }
    memcpy(g_log + g_log_len, line, (size_t)n);
    g_log_len += (size_t)n;
    g_log[g_log_len] = 0;
}

typedef struct { char call[64]; uint32_t nth; int32_t code; uint32_t seen; int fired; } FailRule;
static FailRule g_rules[MAX_RULES];
static int g_nrules;
static uint32_t g_shrink_queries, g_shrink_bytes;

/* Returns a non-zero code when a rule says this use of `call` must fail. */
static JET_ERR injected(const char *call)
{
    for (int i = 0; i < g_nrules; i++) {
        FailRule *r = &g_rules[i];
        if (r->fired || strcmp(r->call, call) != 0) continue;
        if (++r->seen == r->nth) { r->fired = 1; return r->code; }
    }
    return 0;
}

/* ---------------------------------------------------------------- instances */

enum { ST_NONE = 0, ST_DATABASES = 1, ST_LOGS = 2 };

typedef struct {
    int used, initialized;
    char *name8;
    char *system8, *log8;
    WCHAR *log16;
    char base[8];
    int ndb;
    WCHAR *db16[MAX_DBS];
    char *db8[MAX_DBS];
    int sessions;
    /* backup state */
    int in_progress, full, status, stop, prepared;
    uint32_t begin_gen, copy_mic, copy_mac, del_mic, del_mac;
    JET_LGPOS mark;
    int64_t mark_ms;
    uint64_t sum_done;
    /* the one open file (crhfMax = 1, handle 0, reference §5.1) */
    int open, open_is_db;
    FILE *f;
    uint64_t pos, size;
    uint32_t open_gen, db_last_pgno;
    unsigned char *hdr, *trailer;
} Instance;

static Instance g_inst[MAX_INSTANCES];
static uint32_t g_page_size = 4096;

static Instance *find_instance(JET_INSTANCE h)
{
    if (h == 0 || h > MAX_INSTANCES) return NULL;
    Instance *p = &g_inst[h - 1];
    return p->used ? p : NULL;
}

static JET_INSTANCE handle_of(Instance *p) { return (JET_INSTANCE)(p - g_inst) + 1; }

static void close_open_file(Instance *p)
{
    if (p->f) fclose(p->f);
    free(p->hdr);
    free(p->trailer);
    p->f = NULL; p->hdr = NULL; p->trailer = NULL; p->open = 0;
}

static void end_backup(Instance *p)
{
    close_open_file(p);
    p->in_progress = 0; p->status = ST_NONE; p->stop = 0; p->prepared = 0;
    p->copy_mic = p->copy_mac = p->del_mic = p->del_mac = 0; p->sum_done = 0;
}

static void free_instance(Instance *p)
{
    end_backup(p);
    free(p->name8); free(p->system8); free(p->log8); free(p->log16);
    for (int i = 0; i < p->ndb; i++) { free(p->db16[i]); free(p->db8[i]); }
    memset(p, 0, sizeof *p);
}

/* ---------------------------------------------------------------- log generations in the log folder */

typedef struct { uint32_t min_gen, max_gen; int digits; char ext[64]; } LogScan;

static int parse_log_name(const char *base, const char *name, uint32_t *gen, int *digits, char *ext)
{
    size_t bl = strlen(base);
    if (strncasecmp(name, base, bl) != 0) return 0;
    const char *p = name + bl;
    int n = 0;
    uint32_t g = 0;
    while (p[n] && ((p[n] >= '0' && p[n] <= '9') || (p[n] >= 'A' && p[n] <= 'F') || (p[n] >= 'a' && p[n] <= 'f'))) {
        char c = p[n];
        g = g * 16 + (uint32_t)(c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10);
        n++;
    }
    if (n != 5 && n != 8) return 0;
    if (strcasecmp(p + n, ".log") != 0 && strcasecmp(p + n, ".jtx") != 0) return 0;
    *gen = g; *digits = n;
    if (ext) strcpy(ext, p + n);
    return 1;
}

static void scan_logs(Instance *p, LogScan *s)
{
    memset(s, 0, sizeof *s);
    s->digits = 5;
    strcpy(s->ext, ".log");
    DIR *d = opendir(p->log8);
    if (!d) return;
    struct dirent *e;
    while ((e = readdir(d))) {
        uint32_t g; int digits; char ext[64];
        if (strlen(e->d_name) > 40) continue;
        if (!parse_log_name(p->base, e->d_name, &g, &digits, ext)) continue;
        if (s->min_gen == 0 || g < s->min_gen) s->min_gen = g;
        if (g > s->max_gen) { s->max_gen = g; s->digits = digits; strcpy(s->ext, ext); }
    }
    closedir(d);
}

static char *log_name(Instance *p, const LogScan *s, uint32_t gen)
{
    char name[160];
    int digits = gen > 0xFFFFF ? 8 : s->digits;
    snprintf(name, sizeof name, "%s%0*X%s", p->base, digits, gen, s->ext);
    return join_path(p->log8, name);
}

static uint32_t read_u32_at(const char *path, long off, int *ok)
{
    uint32_t v = 0;
    FILE *f = fopen(path, "rb");
    *ok = 0;
    if (!f) return 0;
    if (fseek(f, off, SEEK_SET) == 0 && fread(&v, 4, 1, f) == 1) *ok = 1;
    fclose(f);
    return v;
}

static char *current_log_path(Instance *p, const LogScan *s)
{
    char name[160];
    snprintf(name, sizeof name, "%s%s", p->base, s->ext);
    return join_path(p->log8, name);
}

/* The current generation: lGeneration at offset 4 of the current log's header (ese-formats §4.3). */
static uint32_t current_generation(Instance *p)
{
    LogScan s; scan_logs(p, &s);
    char *cur = current_log_path(p, &s);
    int ok; uint32_t g = read_u32_at(cur, 4, &ok);
    free(cur);
    return ok ? g : s.max_gen + 1;
}

/* The checkpoint generation: le_lgposCheckpoint.lGeneration at offset 16 of <base>.chk (ese-formats §5). */
static uint32_t checkpoint_generation(Instance *p)
{
    char name[32];
    snprintf(name, sizeof name, "%s.chk", p->base);
    char *chk = join_path(p->system8, name);
    int ok; uint32_t g = read_u32_at(chk, 16, &ok);
    free(chk);
    return ok ? g : current_generation(p);
}

static int copy_file(const char *from, const char *to)
{
    FILE *a = fopen(from, "rb");
    if (!a) return -1;
    FILE *b = fopen(to, "wb");
    if (!b) { fclose(a); return -1; }
    char buf[65536];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, a)) > 0) fwrite(buf, 1, n, b);
    fclose(a);
    return fclose(b);
}

static void put_logtime(unsigned char *at, int64_t unix_ms);
static int64_t now_ms(void);
static uint32_t xor32(const unsigned char *page, uint32_t cb);

/* The roll of §5.8: the current log (generation g) is archived under its generation name and a new current log
 * (g+1) takes its place, written first as <base>tmp<ext> as the engine does. The new log keeps the geometry and
 * signature; its header gets generation g+1, the old creation time as "previous generation" time (offset 24), a new
 * creation time (offset 16) and a new XOR-32 checksum (ese-formats §4.3). A v7 log body is one closing LRCHECKSUM
 * record (§4.6: cbBackwards = cbForwards = cbNext = 0, short checksum off) then 0xDA fill; later formats get an
 * empty body (the fixture is exercised on v7 sets). */
static JET_ERR roll_log(Instance *p, uint32_t *new_current)
{
    LogScan s; scan_logs(p, &s);
    char *cur = current_log_path(p, &s);
    FILE *f = fopen(cur, "rb");
    if (!f) { free(cur); return JET_errFileNotFound; }
    struct stat st;
    size_t len = fstat(fileno(f), &st) == 0 ? (size_t)st.st_size : 0;
    unsigned char *body = len >= 4096 ? calloc(1, len) : NULL;
    if (!body || fread(body, 1, 4096, f) != 4096) { fclose(f); free(body); free(cur); return JET_errDiskIO; }
    fclose(f);
    uint32_t g, major, next, sum;
    memcpy(&g, body + 4, 4);
    memcpy(&major, body + 32, 4);
    next = g + 1;
    memcpy(body + 4, &next, 4);
    memcpy(body + 24, body + 16, 8);
    put_logtime(body + 16, now_ms());
    sum = xor32(body, 4096);
    memcpy(body, &sum, 4);
    if (major <= 7 && len > 4096 + 22) {
        unsigned char *r = body + 4096;
        uint32_t chk = 0xFEEDBEAFu ^ 0xD1u ^ next;
        r[0] = 42;
        memcpy(r + 13, &chk, 4);
        r[21] = 0xD1;
        memset(r + 22, 0xDA, len - 4096 - 22);
    }
    char tmpname[160];
    snprintf(tmpname, sizeof tmpname, "%stmp%s", p->base, s.ext);
    char *tmp = join_path(p->log8, tmpname);
    char *arch = log_name(p, &s, g);
    JET_ERR err = 0;
    FILE *o = fopen(tmp, "wb");
    if (!o || fwrite(body, 1, len, o) != len) err = JET_errDiskIO;
    if (o && fclose(o) != 0) err = JET_errDiskIO;
    if (!err && (rename(cur, arch) != 0 || rename(tmp, cur) != 0)) err = JET_errDiskIO;
    free(body); free(cur); free(arch); free(tmp);
    *new_current = next;
    return err;
}

/* ---------------------------------------------------------------- database stream (reference §5.6) */

static uint32_t xor32(const unsigned char *page, uint32_t cb)
{
    uint32_t x = 0x89abcdef, v;
    for (uint32_t i = 4; i < cb; i += 4) { memcpy(&v, page + i, 4); x ^= v; }
    return x;
}

/* LOGTIME (ese-formats §1.1) of the backup mark: UTC, with fTimeIsUTC and milliseconds. The time is the
 * wall clock unless FixtureSetTime fixed it (so tests can compare streams with another engine's). */
static int64_t g_fixed_time_ms = -1;

static void put_logtime(unsigned char *at, int64_t unix_ms)
{
    time_t secs = (time_t)(unix_ms / 1000);
    int ms = (int)(unix_ms % 1000);
    struct tm t;
    gmtime_r(&secs, &t);
    at[0] = (unsigned char)t.tm_sec; at[1] = (unsigned char)t.tm_min; at[2] = (unsigned char)t.tm_hour;
    at[3] = (unsigned char)t.tm_mday; at[4] = (unsigned char)(t.tm_mon + 1); at[5] = (unsigned char)t.tm_year;
    at[6] = (unsigned char)(1 | ((ms & 0x7F) << 1));
    at[7] = (unsigned char)(((ms >> 7) & 7) << 1);
}

static int64_t now_ms(void)
{
    if (g_fixed_time_ms >= 0) return g_fixed_time_ms;
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void put_bkinfo(unsigned char *at, const JET_LGPOS *mark, int64_t mark_ms, uint32_t genLow, uint32_t genHigh)
{
    memcpy(at, mark, 8);
    put_logtime(at + 8, mark_ms);
    memcpy(at + 16, &genLow, 4);
    memcpy(at + 20, &genHigh, 4);
}

/* The begin mark (BK m_lgposFullBackupMark, ese-backup-api §5.3): the log tip, where the Begin record goes; the
   end of the current log's written data, as the engine model computes it (LogFileVerification.RecordsEnd): v7, after
   the range the last LRCHECKSUM record covers (records chained from offset 4096 by cbNext); v8, after the last
   segment of the contiguous run of this generation's segments; the start of the records when there are none. */
static JET_LGPOS begin_mark(Instance *p)
{
    LogScan s; scan_logs(p, &s);
    char *cur = current_log_path(p, &s);
    FILE *f = fopen(cur, "rb");
    free(cur);
    unsigned char *b = NULL;
    long size = 0;
    if (f)
    {
        if (fseek(f, 0, SEEK_END) == 0 && (size = ftell(f)) > 0 && fseek(f, 0, SEEK_SET) == 0 && (b = malloc((size_t)size)) != NULL &&
            fread(b, 1, (size_t)size, f) != (size_t)size)
            size = 0;
        fclose(f);
    }

    uint16_t cbSec = 512, csecHeader = 0;
    long end = 0;
    if (b && size >= 4096)
    {
        uint32_t gen, major;
        memcpy(&gen, b + 4, 4); memcpy(&major, b + 32, 4);
        memcpy(&cbSec, b + 8, 2); memcpy(&csecHeader, b + 10, 2);
        uint16_t csecFile; memcpy(&csecFile, b + 12, 2);
        long limit = (long)csecFile * cbSec < size ? (long)csecFile * cbSec : size;
        if (major >= 8)
        {
            for (long isec = csecHeader; (isec + 1) * 4096 <= limit; isec++)
            {
                const unsigned char *seg = b + isec * 4096;
                uint16_t segIsec; int32_t segGen;
                memcpy(&segIsec, seg + 10, 2); memcpy(&segGen, seg + 12, 4);
                if ((uint32_t)segGen != gen || segIsec != isec) break;
                end = (isec + 1) * 4096;
            }
        }
        else
        {
            for (long ib = 4096; ib + 22 <= limit && b[ib] == 42;)
            {
                uint32_t back, fwd, next;
                memcpy(&back, b + ib + 1, 4); memcpy(&fwd, b + ib + 5, 4); memcpy(&next, b + ib + 9, 4);
                if (back > (uint32_t)ib || ib + 22 + (long)fwd > limit || ib + 22 + (long)next > limit) break;
                end = ib + 22 + (long)fwd;
                if (next == 0) break;
                ib += 22 + (long)next;
            }
        }
    }

    free(b);
    if (cbSec == 0) cbSec = 512;
    if (end < (long)csecHeader * cbSec) end = (long)csecHeader * cbSec;
    JET_LGPOS mark = { (uint16_t)(end % cbSec), (uint16_t)(end / cbSec), (int32_t)current_generation(p) };
    return mark;
}

static JET_ERR open_db_stream(Instance *p, const char *path)
{
    uint32_t cb = g_page_size;
    FILE *f = fopen(path, "rb");
    if (!f) return JET_errFileNotFound;
    struct stat st;
    if (fstat(fileno(f), &st) != 0 || (uint64_t)st.st_size < 3ull * cb) { fclose(f); return JET_errDiskIO; }
    unsigned char *hdr = calloc(1, cb), *tr = calloc(1, cb);
    if (fread(hdr, 1, cb, f) != cb) { fclose(f); free(hdr); free(tr); return JET_errDiskIO; }
    uint32_t stored; memcpy(&stored, hdr, 4);
    if (stored != xor32(hdr, cb)) { /* primary header damaged: use the shadow copy */
        if (fread(hdr, 1, cb, f) != cb) { fclose(f); free(hdr); free(tr); return JET_errDiskIO; }
    }
    /* header copy: bkinfoFullCur (offset 184) = {mark, genLow = copyMic, genHigh = 0}, XOR-32 checksum redone (§5.5) */
    put_bkinfo(hdr + 184, &p->mark, p->mark_ms, p->copy_mic, 0);
    uint32_t sum = xor32(hdr, cb);
    memcpy(hdr, &sum, 4);
    /* trailer = PATCHHDR (ese-formats §2.8): bkinfo at 40 (genHigh = current generation, at least the header's
     * genMaxCommitted), signDb at 64, signLog at 92, lgenMinReq/lgenMaxReq at 120 (header 296..303),
     * lgenMaxCommitted at 128 (header 416), logtimeGenMaxRequired at 132 (header 672), logtimeGenMaxCommitted
     * at 140 (header 348). */
    uint32_t gen_max_committed; memcpy(&gen_max_committed, hdr + 416, 4);
    uint32_t gen_high = current_generation(p);
    if (gen_max_committed > gen_high) gen_high = gen_max_committed;
    put_bkinfo(tr + 40, &p->mark, p->mark_ms, p->copy_mic, gen_high);
    memcpy(tr + 64, hdr + 24, 28);
    memcpy(tr + 92, hdr + 108, 28);
    memcpy(tr + 120, hdr + 296, 8);
    memcpy(tr + 128, &gen_max_committed, 4);
    memcpy(tr + 132, hdr + 672, 8);
    memcpy(tr + 140, hdr + 348, 8);
    sum = xor32(tr, cb);
    memcpy(tr, &sum, 4);
    p->f = f; p->hdr = hdr; p->trailer = tr;
    p->db_last_pgno = (uint32_t)((uint64_t)st.st_size / cb - 2);
    p->size = (uint64_t)(p->db_last_pgno + 3) * cb;
    return 0;
}

static size_t read_db_stream(Instance *p, unsigned char *out, size_t want)
{
    uint32_t cb = g_page_size;
    uint64_t data_end = (uint64_t)(p->db_last_pgno + 2) * cb;
    size_t done = 0;
    while (done < want && p->pos < p->size) {
        uint64_t off = p->pos;
        size_t n;
        if (off < 2ull * cb) {
            size_t in_page = (size_t)(off % cb);
            n = cb - in_page; if (n > want - done) n = want - done;
            memcpy(out + done, p->hdr + in_page, n);
        } else if (off < data_end) {
            n = (size_t)(data_end - off); if (n > want - done) n = want - done;
            if (fseeko(p->f, (off_t)off, SEEK_SET) != 0 || fread(out + done, 1, n, p->f) != n) return (size_t)-1;
        } else {
            size_t in_page = (size_t)(off - data_end);
            n = cb - in_page; if (n > want - done) n = want - done;
            memcpy(out + done, p->trailer + in_page, n);
        }
        done += n; p->pos += n;
    }
    return done;
}

/* ---------------------------------------------------------------- multi-strings */

typedef struct { WCHAR *buf; size_t len, cap; } Msz; /* length in WCHARs, including the final NUL */

static void msz_add(Msz *m, const WCHAR *s)
{
    size_t n = u16len(s) + 1;
    if (m->len + n + 1 > m->cap) { m->cap = (m->len + n + 1) * 2; m->buf = realloc(m->buf, m->cap * sizeof(WCHAR)); }
    memcpy(m->buf + m->len, s, n * sizeof(WCHAR));
    m->len += n;
}

static void msz_end(Msz *m)
{
    if (m->len + 1 > m->cap) { m->cap = m->len + 1; m->buf = realloc(m->buf, m->cap * sizeof(WCHAR)); }
    m->buf[m->len++] = 0;
}

/* required = the size in bytes. `attach_rule`: *pcbActual = required (§5.4); else min(cbMax, required)
 * when a buffer is given and required when it is NULL (§5.8). */
static void msz_return(Msz *m, WCHAR *out, uint32_t cbMax, uint32_t *pcbActual, int attach_rule, const char *call)
{
    uint32_t required = (uint32_t)(m->len * sizeof(WCHAR));
    if (out == NULL && g_shrink_queries > 0) {
        g_shrink_queries--;
        required = required > g_shrink_bytes ? required - g_shrink_bytes : 0;
        logf_("  %s size query shortened to %u", call, required);
    }
    uint32_t copy = out ? (cbMax < required ? cbMax : required) : 0;
    if (out && copy) memcpy(out, m->buf, copy);
    if (pcbActual) *pcbActual = attach_rule || !out ? required : copy;
    free(m->buf);
}

/* ---------------------------------------------------------------- common checks */

/* A rule with code FIXTURE_RAISE makes the call raise a native exception instead of returning, as an unimplemented
 * export does (Wine's esent.dll stubs raise EXCEPTION_WINE_STUB). Windows only: elsewhere FixtureFailCall refuses it. */
static void raise_instead_of_returning(const char *call)
{
    logf_("%s raised a native exception", call);
    pthread_mutex_unlock(&g_lock);
#ifdef _WIN32
    /* As a Wine stub raises it: the DLL and the function name as its two parameters (Wine prints them). */
    ULONG_PTR args[2] = { (ULONG_PTR)"esent.dll", (ULONG_PTR)call };
    RaiseException(0x80000100u /* EXCEPTION_WINE_STUB */, EXCEPTION_NONCONTINUABLE, 2, args);
#endif
}

#define BEGIN_CALL(NAME) \
    pthread_mutex_lock(&g_lock); \
    const char *call_ = NAME; \
    JET_ERR inj_ = injected(call_); \
    if (inj_ == FIXTURE_RAISE) { raise_instead_of_returning(call_); return JET_errInvalidParameter; }

#define RETURN(ERR) do { JET_ERR e_ = (ERR); logf_("  -> %d", e_); pthread_mutex_unlock(&g_lock); return e_; } while (0)

#define FAIL_IF_INJECTED() do { if (inj_) { logf_("  injected failure of %s", call_); RETURN(inj_); } } while (0)

static JET_ERR backup_gate(Instance *p)
{
    if (!p) return JET_errInvalidParameter;
    if (!p->initialized) return JET_errNotInitialized;
    if (!p->in_progress) return JET_errNoBackup;
    if (p->stop) return JET_errBackupAbortByServer;
    return 0;
}

/* ---------------------------------------------------------------- instance lifecycle */

EXPORT JET_ERR JetCreateInstance2W(JET_INSTANCE *pinstance, const WCHAR *szInstanceName, const WCHAR *szDisplayName, JET_GRBIT grbit)
{
    BEGIN_CALL("JetCreateInstance2W");
    char *n8 = u16to8(szInstanceName), *d8 = u16to8(szDisplayName);
    logf_("JetCreateInstance2W szInstanceName=\"%s\" szDisplayName=\"%s\" grbit=0x%X", n8 ? n8 : "(null)", d8 ? d8 : "(null)", grbit);
    free(d8);
    if (inj_) { free(n8); FAIL_IF_INJECTED(); }
    if (!pinstance) { free(n8); RETURN(JET_errInvalidParameter); }
    for (int i = 0; i < MAX_INSTANCES; i++) {
        if (!g_inst[i].used) {
            Instance *p = &g_inst[i];
            memset(p, 0, sizeof *p);
            p->used = 1;
            p->name8 = n8 ? n8 : strdup("");
            p->system8 = strdup("."); p->log8 = strdup("."); p->log16 = u8to16(".");
            strcpy(p->base, "edb");
            *pinstance = handle_of(p);
            logf_("  instance=%llu", (unsigned long long)*pinstance);
            RETURN(0);
        }
    }
    free(n8);
    RETURN(JET_errOutOfMemory);
}

EXPORT JET_ERR JetSetSystemParameterW(JET_INSTANCE *pinstance, JET_SESID sesid, uint32_t paramid, JET_API_PTR lParam, const WCHAR *szParam)
{
    BEGIN_CALL("JetSetSystemParameterW");
    char *s8 = u16to8(szParam);
    logf_("JetSetSystemParameterW instance=%llu sesid=%llu paramid=%u lParam=%llu szParam=\"%s\"",
          (unsigned long long)(pinstance ? *pinstance : 0), (unsigned long long)sesid, paramid, (unsigned long long)lParam, s8 ? s8 : "(null)");
    if (inj_) { free(s8); FAIL_IF_INJECTED(); }
    Instance *p = pinstance ? find_instance(*pinstance) : NULL;
    if (paramid == 64) { /* JET_paramDatabasePageSize: global */
        free(s8);
        if (lParam < 1024 || lParam > 32768 || (lParam & (lParam - 1))) RETURN(JET_errInvalidParameter);
        g_page_size = (uint32_t)lParam;
        RETURN(0);
    }
    if (!p) { free(s8); RETURN(JET_errInvalidParameter); }
    if (p->initialized && (paramid <= 3)) { free(s8); RETURN(JET_errAlreadyInitialized); }
    switch (paramid) {
    case 0: free(p->system8); p->system8 = s8 ? s8 : strdup("."); RETURN(0);
    case 2: free(p->log8); free(p->log16); p->log8 = s8 ? s8 : strdup("."); p->log16 = u8to16(p->log8); RETURN(0);
    case 3:
        if (!s8 || strlen(s8) != 3) { free(s8); RETURN(JET_errInvalidParameter); }
        strcpy(p->base, s8); free(s8); RETURN(0);
    default: free(s8); RETURN(0); /* accepted and recorded, without effect in the fixture */
    }
}

EXPORT JET_ERR JetInit3W(JET_INSTANCE *pinstance, JET_RSTINFO_W *prstInfo, JET_GRBIT grbit)
{
    BEGIN_CALL("JetInit3W");
    logf_("JetInit3W instance=%llu prstInfo=%s grbit=0x%X", (unsigned long long)(pinstance ? *pinstance : 0), prstInfo ? "set" : "NULL", grbit);
    if (prstInfo) {
        logf_("  rstinfo cbStruct=%u crstmap=%d lgposStop=%d:%u:%u logtimeStop.bYear=%u pfnStatus=%s", prstInfo->cbStruct, prstInfo->crstmap,
              prstInfo->lgposStop.lGeneration, prstInfo->lgposStop.isec, prstInfo->lgposStop.ib, prstInfo->logtimeStop.bYear,
              prstInfo->pfnStatus ? "set" : "NULL");
        for (int i = 0; i < prstInfo->crstmap && prstInfo->rgrstmap; i++) {
            char *a = u16to8(prstInfo->rgrstmap[i].szDatabaseName), *b = u16to8(prstInfo->rgrstmap[i].szNewDatabaseName);
            logf_("  rstmap[%d] \"%s\" -> \"%s\"", i, a ? a : "(null)", b ? b : "(null)");
            free(a); free(b);
        }
    }
    FAIL_IF_INJECTED();
    Instance *p = pinstance ? find_instance(*pinstance) : NULL;
    if (!p) RETURN(JET_errInvalidParameter);
    if (prstInfo && prstInfo->cbStruct != sizeof(JET_RSTINFO_W)) RETURN(JET_errInvalidParameter);
    if (p->initialized) RETURN(JET_errAlreadyInitialized);
    struct stat st;
    if (stat(p->system8, &st) != 0 || !S_ISDIR(st.st_mode) || stat(p->log8, &st) != 0 || !S_ISDIR(st.st_mode)) RETURN(JET_errInvalidPath);
    if (prstInfo && prstInfo->pfnStatus) {
        JET_SNPROG prog = { sizeof(JET_SNPROG), 0, 100 };
        pthread_mutex_unlock(&g_lock);
        JET_ERR cb = prstInfo->pfnStatus((JET_SESID)~(JET_SESID)0, 8, 5, &prog);
        pthread_mutex_lock(&g_lock);
        logf_("  status callback (snp=8, snt=5) returned %d", cb);
    }
    p->initialized = 1;
    RETURN(0);
}

EXPORT JET_ERR JetTerm2(JET_INSTANCE instance, JET_GRBIT grbit)
{
    BEGIN_CALL("JetTerm2");
    logf_("JetTerm2 instance=%llu grbit=0x%X", (unsigned long long)instance, grbit);
    FAIL_IF_INJECTED();
    Instance *p = find_instance(instance);
    if (!p) RETURN(JET_errInvalidParameter);
    if (p->in_progress && !(grbit & 0x6)) RETURN(JET_errBackupInProgress); /* §5.10: needs StopBackup or Abrupt */
    free_instance(p);
    RETURN(0);
}

EXPORT JET_ERR JetBeginSessionW(JET_INSTANCE instance, JET_SESID *psesid, const WCHAR *szUserName, const WCHAR *szPassword)
{
    BEGIN_CALL("JetBeginSessionW");
    logf_("JetBeginSessionW instance=%llu user=%s password=%s", (unsigned long long)instance, szUserName ? "set" : "NULL", szPassword ? "set" : "NULL");
    FAIL_IF_INJECTED();
    Instance *p = find_instance(instance);
    if (!p || !psesid) RETURN(JET_errInvalidParameter);
    if (!p->initialized) RETURN(JET_errNotInitialized);
    p->sessions++;
    *psesid = SESID_BASE + instance;
    RETURN(0);
}

EXPORT JET_ERR JetEndSession(JET_SESID sesid, JET_GRBIT grbit)
{
    BEGIN_CALL("JetEndSession");
    logf_("JetEndSession sesid=%llu grbit=0x%X", (unsigned long long)sesid, grbit);
    FAIL_IF_INJECTED();
    Instance *p = sesid > SESID_BASE ? find_instance(sesid - SESID_BASE) : NULL;
    if (!p || p->sessions == 0) RETURN(JET_errInvalidParameter);
    p->sessions--;
    RETURN(0);
}

EXPORT JET_ERR JetAttachDatabaseW(JET_SESID sesid, const WCHAR *szFilename, JET_GRBIT grbit)
{
    BEGIN_CALL("JetAttachDatabaseW");
    char *f8 = u16to8(szFilename);
    logf_("JetAttachDatabaseW sesid=%llu szFilename=\"%s\" grbit=0x%X", (unsigned long long)sesid, f8 ? f8 : "(null)", grbit);
    if (inj_) { free(f8); FAIL_IF_INJECTED(); }
    Instance *p = sesid > SESID_BASE ? find_instance(sesid - SESID_BASE) : NULL;
    if (!p || !f8 || p->ndb >= MAX_DBS) { free(f8); RETURN(JET_errInvalidParameter); }
    if (p->in_progress) { free(f8); RETURN(JET_errBackupInProgress); }
    struct stat st;
    if (stat(f8, &st) != 0) { free(f8); RETURN(JET_errFileNotFound); }
    p->db16[p->ndb] = u16dup(szFilename);
    p->db8[p->ndb] = f8;
    p->ndb++;
    RETURN(0);
}

EXPORT JET_ERR JetStopBackupInstance(JET_INSTANCE instance)
{
    BEGIN_CALL("JetStopBackupInstance");
    logf_("JetStopBackupInstance instance=%llu", (unsigned long long)instance);
    FAIL_IF_INJECTED();
    Instance *p = find_instance(instance);
    if (!p) RETURN(JET_errInvalidParameter);
    p->stop = 1;
    RETURN(0);
}

/* ---------------------------------------------------------------- external backup */

EXPORT JET_ERR JetBeginExternalBackupInstance(JET_INSTANCE instance, JET_GRBIT grbit)
{
    BEGIN_CALL("JetBeginExternalBackupInstance");
    logf_("JetBeginExternalBackupInstance instance=%llu grbit=0x%X", (unsigned long long)instance, grbit);
    FAIL_IF_INJECTED();
    Instance *p = find_instance(instance);
    if (!p) RETURN(JET_errInvalidParameter);
    if (!p->initialized) RETURN(JET_errNotInitialized);
    if (grbit & ~0x1u) RETURN(JET_errInvalidGrbit);
    if (p->in_progress) RETURN(JET_errBackupInProgress);
    end_backup(p);
    p->in_progress = 1;
    p->full = !(grbit & 1);
    p->status = p->full ? ST_DATABASES : ST_LOGS;
    p->begin_gen = current_generation(p);
    p->mark = begin_mark(p);
    p->mark_ms = now_ms();
    if (p->full) p->copy_mic = checkpoint_generation(p);
    RETURN(0);
}

EXPORT JET_ERR JetGetAttachInfoInstanceW(JET_INSTANCE instance, WCHAR *wszzDatabases, uint32_t cbMax, uint32_t *pcbActual)
{
    BEGIN_CALL("JetGetAttachInfoInstanceW");
    logf_("JetGetAttachInfoInstanceW instance=%llu szz=%s cbMax=%u pcbActual=%s", (unsigned long long)instance, wszzDatabases ? "buffer" : "NULL", cbMax, pcbActual ? "set" : "NULL");
    FAIL_IF_INJECTED();
    Instance *p = find_instance(instance);
    JET_ERR err = backup_gate(p);
    if (err) RETURN(err);
    if (!p->full) RETURN(JET_errInvalidBackupSequence);
    Msz m = { 0 };
    for (int i = 0; i < p->ndb; i++) msz_add(&m, p->db16[i]);
    msz_end(&m);
    msz_return(&m, wszzDatabases, cbMax, pcbActual, 1, call_);
    if (pcbActual) logf_("  *pcbActual=%u", *pcbActual);
    RETURN(0);
}

static uint32_t gen_of_log_path(Instance *p, const char *path8)
{
    const char *slash = last_separator(path8);
    const char *name = slash ? slash + 1 : path8;
    uint32_t g; int digits;
    return parse_log_name(p->base, name, &g, &digits, NULL) ? g : 0;
}

EXPORT JET_ERR JetOpenFileInstanceW(JET_INSTANCE instance, const WCHAR *szFileName, JET_HANDLE *phfFile, uint32_t *pulFileSizeLow, uint32_t *pulFileSizeHigh)
{
    BEGIN_CALL("JetOpenFileInstanceW");
    char *f8 = u16to8(szFileName);
    logf_("JetOpenFileInstanceW instance=%llu szFileName=\"%s\"", (unsigned long long)instance, f8 ? f8 : "(null)");
    if (inj_) { free(f8); FAIL_IF_INJECTED(); }
    Instance *p = find_instance(instance);
    JET_ERR err = backup_gate(p);
    if (err) { free(f8); RETURN(err); }
    if (!f8 || !*f8 || !phfFile || !pulFileSizeLow || !pulFileSizeHigh) { free(f8); RETURN(JET_errInvalidParameter); }
    if (p->open) { free(f8); RETURN(JET_errOutOfMemory); }
    int db = -1;
    for (int i = 0; i < p->ndb; i++) if (u16eq(p->db16[i], szFileName)) db = i;
    if (db >= 0) {
        if (!p->full || p->status != ST_DATABASES) { end_backup(p); free(f8); RETURN(JET_errInvalidBackupSequence); }
        err = open_db_stream(p, f8);
        free(f8);
        if (err) RETURN(err);
        p->open_is_db = 1;
    } else {
        if (p->status == ST_DATABASES) { free(f8); RETURN(JET_errDatabaseNotFound); }
        FILE *f = fopen(f8, "rb");
        if (!f) { end_backup(p); free(f8); RETURN(JET_errMissingFileToBackup); }
        struct stat st;
        fstat(fileno(f), &st);
        p->f = f; p->size = (uint64_t)st.st_size; p->open_is_db = 0;
        p->open_gen = gen_of_log_path(p, f8);
        free(f8);
    }
    p->open = 1; p->pos = 0;
    *phfFile = 0;
    *pulFileSizeLow = (uint32_t)(p->size & 0xFFFFFFFFu);
    *pulFileSizeHigh = (uint32_t)(p->size >> 32);
    logf_("  *phfFile=0 *pulFileSizeLow=%u *pulFileSizeHigh=%u", *pulFileSizeLow, *pulFileSizeHigh);
    RETURN(0);
}

EXPORT JET_ERR JetReadFileInstance(JET_INSTANCE instance, JET_HANDLE hfFile, void *pv, uint32_t cb, uint32_t *pcbActual)
{
    BEGIN_CALL("JetReadFileInstance");
    logf_("JetReadFileInstance instance=%llu hfFile=%llu pvAligned=%d cb=%u", (unsigned long long)instance, (unsigned long long)hfFile, ((uintptr_t)pv & 4095) == 0, cb);
    FAIL_IF_INJECTED();
    Instance *p = find_instance(instance);
    JET_ERR err = backup_gate(p);
    if (err) RETURN(err);
    if (!p->open || hfFile != 0) RETURN(JET_errInvalidParameter);
    if (!pv || ((uintptr_t)pv & 4095) != 0 || cb == 0 || cb % g_page_size != 0) RETURN(JET_errInvalidParameter);
    if (p->pos == 0 && cb < (p->open_is_db ? 3u : 2u) * g_page_size) RETURN(JET_errInvalidParameter);
    size_t n;
    if (p->open_is_db) n = read_db_stream(p, pv, cb);
    else {
        uint64_t left = p->size - p->pos;
        n = left < cb ? (size_t)left : cb;
        if (n && (fseeko(p->f, (off_t)p->pos, SEEK_SET) != 0 || fread(pv, 1, n, p->f) != n)) n = (size_t)-1;
        else p->pos += n;
    }
    if (n == (size_t)-1) {
        if (p->status == ST_LOGS) end_backup(p); else close_open_file(p);
        RETURN(JET_errDiskIO);
    }
    if (pcbActual) *pcbActual = (uint32_t)n;
    logf_("  *pcbActual=%u", (uint32_t)n);
    RETURN(0);
}

EXPORT JET_ERR JetCloseFileInstance(JET_INSTANCE instance, JET_HANDLE hfFile)
{
    BEGIN_CALL("JetCloseFileInstance");
    logf_("JetCloseFileInstance instance=%llu hfFile=%llu", (unsigned long long)instance, (unsigned long long)hfFile);
    FAIL_IF_INJECTED();
    Instance *p = find_instance(instance);
    if (!p) RETURN(JET_errInvalidParameter);
    if (!p->in_progress) RETURN(JET_errNoBackup);
    if (!p->open || hfFile != 0) RETURN(JET_errInvalidParameter);
    if (!p->open_is_db && p->pos == p->size && p->open_gen >= p->copy_mic && p->open_gen < p->copy_mac) p->sum_done += p->open_gen;
    close_open_file(p);
    RETURN(0);
}

/* ErrBKIPrepareLogInfo of §5.8: the first call rolls the log and fixes the copy and delete ranges. */
static JET_ERR prepare_logs(Instance *p)
{
    if (p->open) return JET_errInvalidBackupSequence;
    if (p->prepared) return 0;
    uint32_t cur;
    JET_ERR err = roll_log(p, &cur);
    if (err) return err;
    p->copy_mac = cur;
    LogScan s; scan_logs(p, &s);
    if (s.min_gen == 0) return JET_errFileNotFound;
    p->del_mic = s.min_gen;
    uint32_t chk = checkpoint_generation(p);
    p->del_mac = chk < p->copy_mac ? chk : p->copy_mac;
    if (p->del_mic > p->del_mac) p->del_mic = p->del_mac;
    if (!p->full) p->copy_mic = p->del_mic;
    p->prepared = 1;
    p->status = ST_LOGS;
    logf_("  log roll: copy [%u, %u) delete [%u, %u)", p->copy_mic, p->copy_mac, p->del_mic, p->del_mac);
    return 0;
}

static void build_log_list(Instance *p, uint32_t lo, uint32_t hi, Msz *m)
{
    LogScan s; scan_logs(p, &s);
    for (uint32_t g = lo; g < hi; g++) {
        char *path = log_name(p, &s, g);
        WCHAR *w = u8to16(path);
        msz_add(m, w);
        free(w); free(path);
    }
    msz_end(m);
}

static JET_ERR get_log_info(const char *call, JET_INSTANCE instance, WCHAR *szz, uint32_t cbMax, uint32_t *pcbActual, JET_LOGINFO_W *info, int truncate_list)
{
    Instance *p = find_instance(instance);
    JET_ERR err = backup_gate(p);
    if (err) return err;
    if (info && info->cbSize != sizeof(JET_LOGINFO_W)) return JET_errInvalidParameter;
    err = prepare_logs(p);
    if (err) return err;
    Msz m = { 0 };
    if (truncate_list) build_log_list(p, p->del_mic, p->del_mac, &m);
    else build_log_list(p, p->copy_mic, p->copy_mac, &m);
    msz_return(&m, szz, cbMax, pcbActual, 0, call);
    if (pcbActual) logf_("  *pcbActual=%u", *pcbActual);
    if (info) {
        info->ulGenLow = p->copy_mic;
        info->ulGenHigh = p->copy_mac - 1;
        for (int i = 0; i < 4; i++) info->szBaseName[i] = i < 3 ? (WCHAR)p->base[i] : 0;
        logf_("  *pLogInfo={cbSize=%u, ulGenLow=%u, ulGenHigh=%u, szBaseName=\"%s\"}", info->cbSize, info->ulGenLow, info->ulGenHigh, p->base);
    }
    return 0;
}

EXPORT JET_ERR JetGetLogInfoInstanceW(JET_INSTANCE instance, WCHAR *wszzLogs, uint32_t cbMax, uint32_t *pcbActual)
{
    BEGIN_CALL("JetGetLogInfoInstanceW");
    logf_("JetGetLogInfoInstanceW instance=%llu szz=%s cbMax=%u", (unsigned long long)instance, wszzLogs ? "buffer" : "NULL", cbMax);
    FAIL_IF_INJECTED();
    RETURN(get_log_info(call_, instance, wszzLogs, cbMax, pcbActual, NULL, 0));
}

EXPORT JET_ERR JetGetLogInfoInstance2W(JET_INSTANCE instance, WCHAR *wszzLogs, uint32_t cbMax, uint32_t *pcbActual, JET_LOGINFO_W *pLogInfo)
{
    BEGIN_CALL("JetGetLogInfoInstance2W");
    logf_("JetGetLogInfoInstance2W instance=%llu szz=%s cbMax=%u pLogInfo.cbSize=%u", (unsigned long long)instance, wszzLogs ? "buffer" : "NULL", cbMax, pLogInfo ? pLogInfo->cbSize : 0);
    FAIL_IF_INJECTED();
    RETURN(get_log_info(call_, instance, wszzLogs, cbMax, pcbActual, pLogInfo, 0));
}

EXPORT JET_ERR JetGetTruncateLogInfoInstanceW(JET_INSTANCE instance, WCHAR *wszzLogs, uint32_t cbMax, uint32_t *pcbActual)
{
    BEGIN_CALL("JetGetTruncateLogInfoInstanceW");
    logf_("JetGetTruncateLogInfoInstanceW instance=%llu szz=%s cbMax=%u", (unsigned long long)instance, wszzLogs ? "buffer" : "NULL", cbMax);
    FAIL_IF_INJECTED();
    RETURN(get_log_info(call_, instance, wszzLogs, cbMax, pcbActual, NULL, 1));
}

EXPORT JET_ERR JetTruncateLogInstance(JET_INSTANCE instance)
{
    BEGIN_CALL("JetTruncateLogInstance");
    logf_("JetTruncateLogInstance instance=%llu", (unsigned long long)instance);
    FAIL_IF_INJECTED();
    Instance *p = find_instance(instance);
    JET_ERR err = backup_gate(p);
    if (err) RETURN(err);
    if (p->open || p->copy_mac == 0) RETURN(JET_errInvalidBackupSequence);
    uint64_t need = 0;
    for (uint32_t g = p->copy_mic; g < p->copy_mac; g++) need += g;
    if (p->sum_done < need) RETURN(JET_errLogFileNotCopied);
    LogScan s; scan_logs(p, &s);
    for (uint32_t g = p->del_mic; g < p->del_mac; g++) {
        char *path = log_name(p, &s, g);
        if (unlink(path) == 0) logf_("  deleted %s", path);
        free(path);
    }
    RETURN(0);
}

EXPORT JET_ERR JetEndExternalBackupInstance2(JET_INSTANCE instance, JET_GRBIT grbit)
{
    BEGIN_CALL("JetEndExternalBackupInstance2");
    logf_("JetEndExternalBackupInstance2 instance=%llu grbit=0x%X", (unsigned long long)instance, grbit);
    FAIL_IF_INJECTED();
    Instance *p = find_instance(instance);
    if (!p) RETURN(JET_errInvalidParameter);
    if (((grbit & 0x3) != 0x1) && ((grbit & 0x3) != 0x2)) RETURN(JET_errInvalidParameter);
    if (!p->in_progress) RETURN(JET_errNoBackup);
    end_backup(p);
    RETURN(0);
}

/* ---------------------------------------------------------------- JetBackupInstanceW and restores */

static JET_ERR status(JET_PFNSTATUS pfn, JET_SNP snp, JET_SNT snt, uint32_t done)
{
    if (!pfn) return 0;
    JET_SNPROG prog = { sizeof(JET_SNPROG), done, 100 };
    pthread_mutex_unlock(&g_lock);
    JET_ERR r = pfn((JET_SESID)~(JET_SESID)0, snp, snt, &prog);
    pthread_mutex_lock(&g_lock);
    logf_("  status callback (snp=%u, snt=%u, cunitDone=%u) returned %d", snp, snt, done, r);
    return r;
}

static int write_stream(Instance *p, const char *to)
{
    FILE *o = fopen(to, "wb");
    if (!o) return -1;
    unsigned char *buf = malloc(65536);
    for (;;) {
        size_t n;
        if (p->open_is_db) n = read_db_stream(p, buf, 65536);
        else { n = fread(buf, 1, 65536, p->f); p->pos += n; }
        if (n == (size_t)-1) { free(buf); fclose(o); return -1; }
        if (n == 0) break;
        fwrite(buf, 1, n, o);
    }
    free(buf);
    return fclose(o);
}

static const char *base_name(const char *path) { const char *s = last_separator(path); return s ? s + 1 : path; }

EXPORT JET_ERR JetBackupInstanceW(JET_INSTANCE instance, const WCHAR *szBackupPath, JET_GRBIT grbit, JET_PFNSTATUS pfnStatus)
{
    BEGIN_CALL("JetBackupInstanceW");
    char *to = u16to8(szBackupPath);
    logf_("JetBackupInstanceW instance=%llu szBackupPath=\"%s\" grbit=0x%X pfnStatus=%s", (unsigned long long)instance, to ? to : "(null)", grbit, pfnStatus ? "set" : "NULL");
    if (inj_) { free(to); FAIL_IF_INJECTED(); }
    Instance *p = find_instance(instance);
    struct stat st;
    JET_ERR err = 0;
    if (!p) err = JET_errInvalidParameter;
    else if (!p->initialized) err = JET_errNotInitialized;
    else if (p->in_progress) err = JET_errBackupInProgress;
    else if (!to || stat(to, &st) != 0 || !S_ISDIR(st.st_mode)) err = JET_errInvalidPath;
    if (err) { free(to); RETURN(err); }
    int full = !(grbit & 1);
    p->in_progress = 1; p->full = full; p->status = full ? ST_DATABASES : ST_LOGS;
    p->begin_gen = current_generation(p);
    p->mark = begin_mark(p);
    p->mark_ms = now_ms();
    if (full) {
        p->copy_mic = checkpoint_generation(p);
        status(pfnStatus, 9, 5, 0);
        for (int i = 0; i < p->ndb && !err; i++) {
            err = open_db_stream(p, p->db8[i]);
            if (err) break;
            p->open = 1; p->open_is_db = 1; p->pos = 0;
            char *dst = join_path(to, base_name(p->db8[i]));
            if (write_stream(p, dst) != 0) err = JET_errDiskIO;
            free(dst);
            close_open_file(p);
        }
    }
    if (!err) err = prepare_logs(p);
    LogScan s; scan_logs(p, &s);
    for (uint32_t g = p->copy_mic; !err && g < p->copy_mac; g++) {
        char *src = log_name(p, &s, g);
        char *dst = join_path(to, base_name(src));
        if (copy_file(src, dst) != 0) err = JET_errDiskIO;
        else p->sum_done += g;
        free(src); free(dst);
    }
    if (!err) {
        for (uint32_t g = p->del_mic; g < p->del_mac; g++) { char *path = log_name(p, &s, g); unlink(path); free(path); }
        if (full) status(pfnStatus, 9, 6, 100);
    }
    end_backup(p);
    free(to);
    RETURN(err);
}

EXPORT JET_ERR JetRestoreInstanceW(JET_INSTANCE instance, const WCHAR *sz, const WCHAR *szDest, JET_PFNSTATUS pfn)
{
    BEGIN_CALL("JetRestoreInstanceW");
    char *a = u16to8(sz), *b = u16to8(szDest);
    logf_("JetRestoreInstanceW instance=%llu sz=\"%s\" szDest=\"%s\" pfn=%s", (unsigned long long)instance, a ? a : "(null)", b ? b : "(null)", pfn ? "set" : "NULL");
    free(a); free(b);
    FAIL_IF_INJECTED();
    Instance *p = find_instance(instance);
    if (instance != 0 && instance != (JET_INSTANCE)~(JET_INSTANCE)0 && !p) RETURN(JET_errInvalidParameter);
    if (p && p->initialized) RETURN(JET_errAlreadyInitialized);
    if (!sz || !*sz) RETURN(JET_errInvalidParameter);
    /* The fixture replays nothing: it proves the arguments and the callback cross the ABI. */
    status(pfn, 8, 5, 0);
    status(pfn, 8, 0, 50);
    status(pfn, 8, 6, 100);
    RETURN(0);
}

EXPORT JET_ERR JetExternalRestore2W(WCHAR *szCheckpointFilePath, WCHAR *szLogPath, JET_RSTMAP_W *rgrstmap, int32_t crstfilemap,
                                    WCHAR *szBackupLogPath, JET_LOGINFO_W *pLogInfo, WCHAR *szTargetInstanceName,
                                    WCHAR *szTargetInstanceLogPath, WCHAR *szTargetInstanceCheckpointPath, JET_PFNSTATUS pfn)
{
    BEGIN_CALL("JetExternalRestore2W");
    char *c = u16to8(szCheckpointFilePath), *l = u16to8(szLogPath), *bl = u16to8(szBackupLogPath);
    char *tn = u16to8(szTargetInstanceName), *tl = u16to8(szTargetInstanceLogPath), *tc = u16to8(szTargetInstanceCheckpointPath);
    logf_("JetExternalRestore2W szCheckpointFilePath=\"%s\" szLogPath=\"%s\" crstfilemap=%d szBackupLogPath=\"%s\" szTargetInstanceName=\"%s\" szTargetInstanceLogPath=\"%s\" szTargetInstanceCheckpointPath=\"%s\" pfn=%s",
          c ? c : "(null)", l ? l : "(null)", crstfilemap, bl ? bl : "(null)", tn ? tn : "(null)", tl ? tl : "(null)", tc ? tc : "(null)", pfn ? "set" : "NULL");
    free(c); free(l); free(bl); free(tn); free(tl); free(tc);
    for (int i = 0; i < crstfilemap && rgrstmap; i++) {
        char *a = u16to8(rgrstmap[i].szDatabaseName), *b = u16to8(rgrstmap[i].szNewDatabaseName);
        logf_("  rstmap[%d] \"%s\" -> \"%s\"", i, a ? a : "(null)", b ? b : "(null)");
        free(a); free(b);
    }
    if (pLogInfo) {
        char base[4] = { (char)pLogInfo->szBaseName[0], (char)pLogInfo->szBaseName[1], (char)pLogInfo->szBaseName[2], 0 };
        logf_("  pLogInfo={cbSize=%u, ulGenLow=%u, ulGenHigh=%u, szBaseName=\"%s\", szBaseName[3]=%u}", pLogInfo->cbSize, pLogInfo->ulGenLow, pLogInfo->ulGenHigh, base, pLogInfo->szBaseName[3]);
    }
    FAIL_IF_INJECTED();
    if (!pLogInfo || pLogInfo->cbSize != sizeof(JET_LOGINFO_W)) RETURN(JET_errInvalidParameter);
    if (crstfilemap < 0 || (crstfilemap > 0 && !rgrstmap)) RETURN(JET_errInvalidParameter);
    if (szTargetInstanceName && szTargetInstanceLogPath) RETURN(JET_errInvalidParameter);
    if (!szTargetInstanceLogPath != !szTargetInstanceCheckpointPath) RETURN(JET_errInvalidParameter);
    status(pfn, 8, 5, 0);
    status(pfn, 8, 0, 50);
    status(pfn, 8, 6, 100);
    RETURN(0);
}

/* ---------------------------------------------------------------- test controls */

/* Copies the call log (UTF-8, one call per line, "  -> code" after each) into buf; returns its length. */
EXPORT uint32_t FixtureCallLog(char *buf, uint32_t cb)
{
    pthread_mutex_lock(&g_lock);
    uint32_t n = (uint32_t)g_log_len;
    if (buf && cb) { uint32_t c = n < cb - 1 ? n : cb - 1; if (g_log) memcpy(buf, g_log, c); buf[c] = 0; }
    pthread_mutex_unlock(&g_lock);
    return n;
}

/* Makes the nth use (counted from now, 1-based) of `call` return `code`. */
EXPORT int32_t FixtureFailCall(const char *call, uint32_t nth, int32_t code)
{
    pthread_mutex_lock(&g_lock);
    int32_t r = -1;
#ifndef _WIN32
    if (code == FIXTURE_RAISE) { pthread_mutex_unlock(&g_lock); return -1; }
#endif
    if (g_nrules < MAX_RULES && call && strlen(call) < sizeof g_rules[0].call && nth > 0) {
        FailRule *rule = &g_rules[g_nrules++];
        memset(rule, 0, sizeof *rule);
        strcpy(rule->call, call);
        rule->nth = nth; rule->code = code;
        r = 0;
    }
    pthread_mutex_unlock(&g_lock);
    return r;
}

/* The next `count` size queries (NULL buffer) of a multi-string call report `bytes` less than needed,
 * as if the list grew between the query and the read. */
EXPORT void FixtureShortenSizeQueries(uint32_t count, uint32_t bytes)
{
    pthread_mutex_lock(&g_lock);
    g_shrink_queries = count; g_shrink_bytes = bytes;
    pthread_mutex_unlock(&g_lock);
}

/* Fixes the backup mark time (Unix milliseconds, UTC); a negative value returns to the wall clock. */
EXPORT void FixtureSetTime(int64_t unix_ms)
{
    pthread_mutex_lock(&g_lock);
    g_fixed_time_ms = unix_ms;
    pthread_mutex_unlock(&g_lock);
}

/* Forgets the call log, the failure rules and every instance (files are left as they are). */
EXPORT void FixtureReset(void)
{
    pthread_mutex_lock(&g_lock);
    for (int i = 0; i < MAX_INSTANCES; i++) if (g_inst[i].used) free_instance(&g_inst[i]);
    g_log_len = 0; if (g_log) g_log[0] = 0;
    g_nrules = 0; g_shrink_queries = 0; g_page_size = 4096; g_fixed_time_ms = -1;
    pthread_mutex_unlock(&g_lock);
}

/* The C compiler's view of the structs: sizes and offsets the managed declarations must match. */
EXPORT int32_t FixtureLayout(const char *what)
{
    /* The compiler's widths: unsigned long is 4 bytes on Windows (LLP64), 8 on Linux (LP64); JET_ULONG is 4 on both. */
    if (!strcmp(what, "unsigned long")) return sizeof(unsigned long);
    if (!strcmp(what, "JET_ULONG")) return sizeof(JET_ULONG);
    if (!strcmp(what, "JET_API_PTR")) return sizeof(JET_API_PTR);
    if (!strcmp(what, "JET_LOGINFO_W")) return sizeof(JET_LOGINFO_W);
    if (!strcmp(what, "JET_LOGINFO_W.ulGenLow")) return offsetof(JET_LOGINFO_W, ulGenLow);
    if (!strcmp(what, "JET_LOGINFO_W.ulGenHigh")) return offsetof(JET_LOGINFO_W, ulGenHigh);
    if (!strcmp(what, "JET_LOGINFO_W.szBaseName")) return offsetof(JET_LOGINFO_W, szBaseName);
    if (!strcmp(what, "JET_RSTMAP_W")) return sizeof(JET_RSTMAP_W);
    if (!strcmp(what, "JET_RSTMAP_W.szNewDatabaseName")) return offsetof(JET_RSTMAP_W, szNewDatabaseName);
    if (!strcmp(what, "JET_SNPROG")) return sizeof(JET_SNPROG);
    if (!strcmp(what, "JET_SNPROG.cunitDone")) return offsetof(JET_SNPROG, cunitDone);
    if (!strcmp(what, "JET_SNPROG.cunitTotal")) return offsetof(JET_SNPROG, cunitTotal);
    if (!strcmp(what, "JET_RSTINFO_W")) return sizeof(JET_RSTINFO_W);
    if (!strcmp(what, "JET_RSTINFO_W.rgrstmap")) return offsetof(JET_RSTINFO_W, rgrstmap);
    if (!strcmp(what, "JET_RSTINFO_W.crstmap")) return offsetof(JET_RSTINFO_W, crstmap);
    if (!strcmp(what, "JET_RSTINFO_W.lgposStop")) return offsetof(JET_RSTINFO_W, lgposStop);
    if (!strcmp(what, "JET_RSTINFO_W.logtimeStop")) return offsetof(JET_RSTINFO_W, logtimeStop);
    if (!strcmp(what, "JET_RSTINFO_W.pfnStatus")) return offsetof(JET_RSTINFO_W, pfnStatus);
    return -1;
}
