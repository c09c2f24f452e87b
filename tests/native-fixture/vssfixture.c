/*
 * vssfixture: a Windows vssapi.dll for the Windows lane (.ci/windows-lane), built with
 *   x86_64-w64-mingw32-gcc -shared -O2 -static -Wall -Werror -o vssapi.dll vssfixture.c -lole32 -loleaut32
 * It exports what interop/ExternalBackup.Interop.Vss/Native/VssApi.cs binds (CreateVssBackupComponentsInternal,
 * VssFreeSnapshotPropertiesInternal) and implements, in the vtable order of ../shared/reference/vss-requestor.md §4.4
 * and §4.5, IVssBackupComponents (slots 0..50), IVssAsync, IVssExamineWriterMetadata, IVssWMComponent and
 * IVssWMFiledesc. Slots the requestor does not use return E_NOTIMPL and are logged as such.
 *
 * Configuration: the file named by the environment variable VSSFIXTURE_CONFIG, read by each
 * CreateVssBackupComponentsInternal; UTF-8 lines of tab-separated fields:
 *   log       <file>                                   the call log (appended, one line per call)
 *   writer    <writer id> <instance id> <name> <metadata xml>
 *   component <type 1|2> <selectable 0|1> <logical path or empty> <name>      (of the last writer)
 *   database|logfile|file <path> <filespec> <recursive 0|1> <alternate or empty> (of the last component)
 *   exclude   <path> <filespec> <recursive 0|1>       (of the last writer)
 *   state     <writer id> <state> <failure hresult>    what GatherWriterStatus reports for that writer (default 1, stable)
 *   device    <volume> <device object>                 what GetSnapshotProperties reports for the volume's snapshot
 *   document  <xml>                                    what SaveAsXML returns (the Backup Components Document)
 *   fail      <call> <hresult>                         the call returns the HRESULT
 *   asyncfail <call> <hresult>                         the call's IVssAsync reports the HRESULT (QueryStatus)
 *   pending   <n>                                      every IVssAsync reports VSS_S_ASYNC_PENDING n times first
 *
 * The call log: "<call> <arguments> -> 0x<hresult>" per call, "AddRef|Release <object> -> <count>" per reference
 * change, "SysFreeString <tag>" when the requestor frees a BSTR the fixture gave it (oleaut32's SysFreeString is
 * redirected to the fixture for its own BSTRs), and when the IVssBackupComponents is released for the last time
 * "summary live=<objects still referenced> unfreed=<BSTRs handed out and not freed>" (each a count, then the
 * names); a fixture-owned BSTR the requestor frees is logged "SysFreeString <tag> (fixture-owned)" and not freed.
 */
#define WIN32_LEAN_AND_MEAN
#include <windows.h>
#include <oleauto.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#define EXPORT __declspec(dllexport)
#define MAX_ITEMS 16
#define VSS_S_ASYNC_PENDING 0x00042309
#define VSS_S_ASYNC_FINISHED 0x0004230A
#define VSS_S_ASYNC_CANCELLED 0x0004230B
#define VSS_E_BAD_STATE ((HRESULT)0x80042301)

typedef struct
{
    GUID m_SnapshotId, m_SnapshotSetId;
    LONG m_lSnapshotsCount;
    WCHAR *m_pwszSnapshotDeviceObject, *m_pwszOriginalVolumeName, *m_pwszOriginatingMachine, *m_pwszServiceMachine,
        *m_pwszExposedName, *m_pwszExposedPath;
    GUID m_ProviderId;
    LONG m_lSnapshotAttributes;
    LONGLONG m_tsCreationTimestamp;
    int m_eStatus;
} VSS_SNAPSHOT_PROP;

typedef struct
{
    int type;
    BSTR bstrLogicalPath, bstrComponentName, bstrCaption;
    BYTE *pbIcon;
    UINT cbIcon;
    bool bRestoreMetadata, bNotifyOnBackupComplete, bSelectable, bSelectableForRestore;
    DWORD dwComponentFlags;
    UINT cFileCount, cDatabases, cLogFiles, cDependencies;
} VSS_COMPONENTINFO;

/* ---- configuration ---- */

typedef struct { WCHAR *path, *spec, *alt; bool recursive; } FileSpec;
typedef struct { int type; bool selectable; WCHAR *logical, *name; FileSpec files[3][MAX_ITEMS]; int nfiles[3]; } Component;
typedef struct
{
    GUID writer, instance;
    WCHAR *name, *xml;
    Component comps[MAX_ITEMS];
    int ncomps;
    FileSpec excludes[MAX_ITEMS];
    int nexcludes;
    int state;
    HRESULT failure;
} Writer;
typedef struct { char call[64]; HRESULT hr; bool async; } Fail;

static Writer g_writers[MAX_ITEMS];
static int g_nwriters;
static WCHAR *g_volumes[MAX_ITEMS], *g_devices[MAX_ITEMS];
static int g_ndevices;
static WCHAR *g_document;
static Fail g_fails[MAX_ITEMS];
static int g_nfails;
static int g_pending;
static WCHAR g_log[MAX_PATH * 2];
static CRITICAL_SECTION g_lock;

static WCHAR *wide(const char *s)
{
    int n = MultiByteToWideChar(CP_UTF8, 0, s, -1, NULL, 0);
    WCHAR *w = calloc((size_t)(n > 0 ? n : 1), sizeof *w);
    if (n > 0) MultiByteToWideChar(CP_UTF8, 0, s, -1, w, n);
    return w;
}

static void utf8(const WCHAR *w, char *out, int size)
{
    if (!w) { snprintf(out, (size_t)size, "null"); return; }
    if (!WideCharToMultiByte(CP_UTF8, 0, w, -1, out, size, NULL, NULL)) out[0] = 0;
}

static void guid_text(const GUID *g, char *out)
{
    sprintf(out, "%08lx-%04x-%04x-%02x%02x-%02x%02x%02x%02x%02x%02x", (unsigned long)g->Data1, g->Data2, g->Data3,
            g->Data4[0], g->Data4[1], g->Data4[2], g->Data4[3], g->Data4[4], g->Data4[5], g->Data4[6], g->Data4[7]);
}

static bool parse_guid(const char *s, GUID *g)
{
    unsigned long d1; unsigned d2, d3, b[8];
    if (sscanf(s, "%8lx-%4x-%4x-%2x%2x-%2x%2x%2x%2x%2x%2x", &d1, &d2, &d3, &b[0], &b[1], &b[2], &b[3], &b[4], &b[5], &b[6], &b[7]) != 11) return false;
    g->Data1 = d1; g->Data2 = (WORD)d2; g->Data3 = (WORD)d3;
    for (int i = 0; i < 8; i++) g->Data4[i] = (BYTE)b[i];
    return true;
}

static void logf_(const char *fmt, ...)
{
    if (!g_log[0]) return;
    char line[8192];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    EnterCriticalSection(&g_lock);
    FILE *f = _wfopen(g_log, L"ab");
    if (f) { fprintf(f, "%s\n", line); fclose(f); }
    LeaveCriticalSection(&g_lock);
}

static HRESULT result(const char *call, HRESULT hr, const char *fmt, ...)
{
    char args[4096] = "";
    if (fmt)
    {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(args, sizeof args, fmt, ap);
        va_end(ap);
    }
    logf_("%s%s%s -> 0x%08lx", call, args[0] ? " " : "", args, (unsigned long)hr);
    return hr;
}

/* The configured failure of a call (0: none); an async failure is reported by the call's IVssAsync instead. */
static HRESULT failure_of(const char *call, bool async)
{
    for (int i = 0; i < g_nfails; i++)
        if (g_fails[i].async == async && strcmp(g_fails[i].call, call) == 0) return g_fails[i].hr;
    return 0;
}

static void clear_config(void)
{
    g_nwriters = g_ndevices = g_nfails = g_pending = 0;
    g_document = NULL;
    g_log[0] = 0;
    memset(g_writers, 0, sizeof g_writers);
}

static int split(char *line, char **fields, int max)
{
    int n = 0;
    char *p = line;
    while (n < max)
    {
        fields[n++] = p;
        char *tab = strchr(p, '\t');
        if (!tab) break;
        *tab = 0;
        p = tab + 1;
    }
    return n;
}

static bool read_config(void)
{
    clear_config();
    char path[MAX_PATH * 2];
    DWORD n = GetEnvironmentVariableA("VSSFIXTURE_CONFIG", path, sizeof path);
    if (n == 0 || n >= sizeof path) return false;
    FILE *f = fopen(path, "rb");
    if (!f) return false;
    static char line[65536];
    while (fgets(line, sizeof line, f))
    {
        line[strcspn(line, "\r\n")] = 0;
        char *a[8] = {0};
        int c = split(line, a, 8);
        Writer *w = g_nwriters > 0 ? &g_writers[g_nwriters - 1] : NULL;
        Component *comp = w && w->ncomps > 0 ? &w->comps[w->ncomps - 1] : NULL;
        if (strcmp(a[0], "log") == 0 && c >= 2)
        {
            WCHAR *p = wide(a[1]);
            wcsncpy(g_log, p, sizeof g_log / sizeof g_log[0] - 1);
            free(p);
        }
        else if (strcmp(a[0], "writer") == 0 && c >= 5 && g_nwriters < MAX_ITEMS)
        {
            w = &g_writers[g_nwriters++];
            parse_guid(a[1], &w->writer);
            parse_guid(a[2], &w->instance);
            w->name = wide(a[3]);
            w->xml = wide(a[4]);
            w->state = 1; /* VSS_WS_STABLE */
        }
        else if (strcmp(a[0], "component") == 0 && c >= 5 && w && w->ncomps < MAX_ITEMS)
        {
            comp = &w->comps[w->ncomps++];
            comp->type = atoi(a[1]);
            comp->selectable = atoi(a[2]) != 0;
            comp->logical = a[3][0] ? wide(a[3]) : NULL;
            comp->name = wide(a[4]);
        }
        else if ((strcmp(a[0], "database") == 0 || strcmp(a[0], "logfile") == 0 || strcmp(a[0], "file") == 0) && c >= 4 && comp)
        {
            int role = a[0][0] == 'd' ? 0 : a[0][0] == 'l' ? 1 : 2;
            if (comp->nfiles[role] < MAX_ITEMS)
            {
                FileSpec *s = &comp->files[role][comp->nfiles[role]++];
                s->path = wide(a[1]);
                s->spec = wide(a[2]);
                s->recursive = atoi(a[3]) != 0;
                s->alt = c >= 5 && a[4][0] ? wide(a[4]) : NULL;
            }
        }
        else if (strcmp(a[0], "exclude") == 0 && c >= 4 && w && w->nexcludes < MAX_ITEMS)
        {
            FileSpec *s = &w->excludes[w->nexcludes++];
            s->path = wide(a[1]);
            s->spec = wide(a[2]);
            s->recursive = atoi(a[3]) != 0;
        }
        else if (strcmp(a[0], "state") == 0 && c >= 4)
        {
            GUID id;
            if (parse_guid(a[1], &id))
                for (int x = 0; x < g_nwriters; x++)
                    if (IsEqualGUID(&g_writers[x].writer, &id))
                    {
                        g_writers[x].state = atoi(a[2]);
                        g_writers[x].failure = (HRESULT)strtoul(a[3], NULL, 16);
                    }
        }
        else if (strcmp(a[0], "device") == 0 && c >= 3 && g_ndevices < MAX_ITEMS)
        {
            g_volumes[g_ndevices] = wide(a[1]);
            g_devices[g_ndevices++] = wide(a[2]);
        }
        else if (strcmp(a[0], "document") == 0 && c >= 2) g_document = wide(a[1]);
        else if ((strcmp(a[0], "fail") == 0 || strcmp(a[0], "asyncfail") == 0) && c >= 3 && g_nfails < MAX_ITEMS)
        {
            Fail *x = &g_fails[g_nfails++];
            snprintf(x->call, sizeof x->call, "%s", a[1]);
            x->hr = (HRESULT)strtoul(a[2], NULL, 16);
            x->async = a[0][0] == 'a';
        }
        else if (strcmp(a[0], "pending") == 0 && c >= 2) g_pending = atoi(a[1]);
    }
    fclose(f);
    return true;
}

/* ---- BSTRs: the fixture's own, so that their frees are seen ---- */

typedef struct { WCHAR *chars; char tag[96]; bool callerOwned; bool freed; } Bstr;
static Bstr g_bstrs[4096];
static int g_nbstrs;
static bool g_hooked;

/* A BSTR laid out as oleaut32's: a 4-byte byte length, the characters, a terminating NUL. */
static BSTR bstr(const WCHAR *s, const char *tag, bool callerOwned)
{
    if (!s) return NULL;
    size_t len = wcslen(s);
    BYTE *block = calloc(1, 4 + (len + 1) * sizeof(WCHAR));
    *(UINT *)block = (UINT)(len * sizeof(WCHAR));
    WCHAR *chars = (WCHAR *)(block + 4);
    memcpy(chars, s, len * sizeof(WCHAR));
    EnterCriticalSection(&g_lock);
    if (g_nbstrs < (int)(sizeof g_bstrs / sizeof g_bstrs[0]))
    {
        Bstr *b = &g_bstrs[g_nbstrs++];
        b->chars = chars;
        snprintf(b->tag, sizeof b->tag, "%s", tag);
        b->callerOwned = callerOwned;
        b->freed = false;
    }
    LeaveCriticalSection(&g_lock);
    return chars;
}

static Bstr *find_bstr(const WCHAR *chars)
{
    for (int i = g_nbstrs - 1; i >= 0; i--)
        if (g_bstrs[i].chars == chars && !g_bstrs[i].freed) return &g_bstrs[i];
    return NULL;
}

/* The fixture's own release of a BSTR it owns (FreeComponentInfo). */
static void own_free(BSTR s)
{
    if (!s) return;
    EnterCriticalSection(&g_lock);
    Bstr *b = find_bstr(s);
    if (b) b->freed = true;
    LeaveCriticalSection(&g_lock);
    if (b) free((BYTE *)s - 4);
}

/* Where oleaut32's SysFreeString now lands: the fixture's BSTRs are logged and freed here; any other BSTR is left
 * alone (a leak in a test process, never a free of memory the fixture does not own). */
static void WINAPI hooked_SysFreeString(BSTR s)
{
    if (!s) return;
    EnterCriticalSection(&g_lock);
    Bstr *b = find_bstr(s);
    char tag[128];
    if (b)
    {
        snprintf(tag, sizeof tag, "%s%s", b->tag, b->callerOwned ? "" : " (fixture-owned)");
        if (b->callerOwned) b->freed = true;
    }
    LeaveCriticalSection(&g_lock);
    if (!b) return;
    logf_("SysFreeString %s", tag);
    if (b->callerOwned) free((BYTE *)s - 4);
}

/* Redirects oleaut32!SysFreeString (mov rax, imm64; jmp rax): the requestor frees BSTRs with it (Marshal.FreeBSTR). */
static bool hook_sysfreestring(void)
{
    if (g_hooked) return true;
    HMODULE ole = LoadLibraryA("oleaut32.dll");
    BYTE *target = ole ? (BYTE *)GetProcAddress(ole, "SysFreeString") : NULL;
    DWORD old;
    if (!target || !VirtualProtect(target, 12, PAGE_EXECUTE_READWRITE, &old)) return false;
    target[0] = 0x48; target[1] = 0xB8;
    void *to = (void *)hooked_SysFreeString;
    memcpy(target + 2, &to, sizeof to);
    target[10] = 0xFF; target[11] = 0xE0;
    VirtualProtect(target, 12, old, &old);
    FlushInstructionCache(GetCurrentProcess(), target, 12);
    g_hooked = true;
    return true;
}

/* ---- objects ---- */

typedef struct Obj { void **vtbl; LONG refs; char name[64]; struct Obj *next; } Obj;
static Obj *g_objects;
static int g_serial;

static void *new_obj(size_t size, void **vtbl, const char *kind)
{
    Obj *o = calloc(1, size);
    o->vtbl = vtbl;
    o->refs = 1;
    EnterCriticalSection(&g_lock);
    snprintf(o->name, sizeof o->name, "%s#%d", kind, ++g_serial);
    o->next = g_objects;
    g_objects = o;
    LeaveCriticalSection(&g_lock);
    return o;
}

static HRESULT WINAPI QueryInterface(Obj *self, const IID *iid, void **out)
{
    (void)iid;
    if (!out) return E_POINTER;
    *out = NULL;
    return result("QueryInterface", E_NOINTERFACE, "%s", self->name);
}

static ULONG WINAPI AddRef(Obj *self)
{
    LONG n = InterlockedIncrement(&self->refs);
    logf_("AddRef %s -> %ld", self->name, n);
    return (ULONG)n;
}

static void summary(void);

static ULONG WINAPI Release(Obj *self)
{
    LONG n = InterlockedDecrement(&self->refs);
    logf_("Release %s -> %ld", self->name, n);
    if (n == 0 && strncmp(self->name, "IVssBackupComponents#", 21) == 0) summary();
    return (ULONG)(n < 0 ? 0 : n);
}

static void summary(void)
{
    char live[2048] = "", unfreed[4096] = "";
    int nlive = 0, nunfreed = 0;
    EnterCriticalSection(&g_lock);
    for (Obj *o = g_objects; o; o = o->next)
        if (o->refs != 0) { nlive++; snprintf(live + strlen(live), sizeof live - strlen(live), " %s(%ld)", o->name, o->refs); }
    for (int i = 0; i < g_nbstrs; i++)
        if (g_bstrs[i].callerOwned && !g_bstrs[i].freed) { nunfreed++; snprintf(unfreed + strlen(unfreed), sizeof unfreed - strlen(unfreed), " %s", g_bstrs[i].tag); }
    LeaveCriticalSection(&g_lock);
    logf_("summary live=%d%s unfreed=%d%s", nlive, live, nunfreed, unfreed);
}

#define STUB(n) static HRESULT WINAPI stub_##n(Obj *self) { return result("E_NOTIMPL", E_NOTIMPL, "%s slot " #n, self->name); }
STUB(3) STUB(4) STUB(5) STUB(6) STUB(7) STUB(8) STUB(9) STUB(10) STUB(11) STUB(12) STUB(13) STUB(14) STUB(15) STUB(16)
STUB(17) STUB(18) STUB(19) STUB(20) STUB(21) STUB(22) STUB(23) STUB(24) STUB(25) STUB(26) STUB(27) STUB(28) STUB(29)
STUB(30) STUB(31) STUB(32) STUB(33) STUB(34) STUB(35) STUB(36) STUB(37) STUB(38) STUB(39) STUB(40) STUB(41) STUB(42)
STUB(43) STUB(44) STUB(45) STUB(46) STUB(47) STUB(48) STUB(49) STUB(50)

/* ---- IVssAsync ---- */

typedef struct { Obj o; char call[64]; HRESULT status; int pending; } Async;
static void *g_asyncVtbl[6];

static IUnknown *new_async(const char *call)
{
    Async *a = new_obj(sizeof *a, g_asyncVtbl, "IVssAsync");
    snprintf(a->call, sizeof a->call, "%s", call);
    HRESULT failed = failure_of(call, true);
    a->status = failed ? failed : VSS_S_ASYNC_FINISHED;
    a->pending = g_pending;
    return (IUnknown *)a;
}

static HRESULT WINAPI Async_Cancel(Async *self)
{
    self->status = VSS_S_ASYNC_CANCELLED;
    return result("IVssAsync::Cancel", S_OK, "%s", self->call);
}

static HRESULT WINAPI Async_Wait(Async *self, DWORD milliseconds)
{
    return result("IVssAsync::Wait", S_OK, "%s ms=%lu", self->call, (unsigned long)milliseconds);
}

static HRESULT WINAPI Async_QueryStatus(Async *self, HRESULT *status, INT *reserved)
{
    if (!status || reserved) return result("IVssAsync::QueryStatus", E_INVALIDARG, "%s reserved=%s", self->call, reserved ? "non-null" : "null");
    *status = self->pending > 0 ? VSS_S_ASYNC_PENDING : self->status;
    if (self->pending > 0) self->pending--;
    return result("IVssAsync::QueryStatus", S_OK, "%s status=0x%08lx", self->call, (unsigned long)*status);
}

/* ---- IVssWMFiledesc ---- */

typedef struct { Obj o; const FileSpec *spec; char what[64]; } Filedesc;
static void *g_filedescVtbl[8];

static HRESULT WINAPI Filedesc_GetPath(Filedesc *self, BSTR *out)
{
    char tag[96];
    snprintf(tag, sizeof tag, "%s.GetPath", self->what);
    *out = bstr(self->spec->path, tag, true);
    return result("IVssWMFiledesc::GetPath", S_OK, "%s", self->what);
}

static HRESULT WINAPI Filedesc_GetFilespec(Filedesc *self, BSTR *out)
{
    char tag[96];
    snprintf(tag, sizeof tag, "%s.GetFilespec", self->what);
    *out = bstr(self->spec->spec, tag, true);
    return result("IVssWMFiledesc::GetFilespec", S_OK, "%s", self->what);
}

static HRESULT WINAPI Filedesc_GetRecursive(Filedesc *self, bool *out)
{
    *out = self->spec->recursive;
    return result("IVssWMFiledesc::GetRecursive", S_OK, "%s", self->what);
}

static HRESULT WINAPI Filedesc_GetAlternateLocation(Filedesc *self, BSTR *out)
{
    char tag[96];
    snprintf(tag, sizeof tag, "%s.GetAlternateLocation", self->what);
    *out = bstr(self->spec->alt, tag, true);
    return result("IVssWMFiledesc::GetAlternateLocation", S_OK, "%s", self->what);
}

static HRESULT WINAPI Filedesc_GetBackupTypeMask(Filedesc *self, DWORD *out)
{
    *out = 0x3F; /* VSS_FSBT_ALL_BACKUP_REQUIRED | VSS_FSBT_ALL_SNAPSHOT_REQUIRED */
    return result("IVssWMFiledesc::GetBackupTypeMask", S_OK, "%s", self->what);
}

static IUnknown *new_filedesc(const FileSpec *spec, const char *what)
{
    Filedesc *d = new_obj(sizeof *d, g_filedescVtbl, "IVssWMFiledesc");
    d->spec = spec;
    snprintf(d->what, sizeof d->what, "%s", what);
    return (IUnknown *)d;
}

/* ---- IVssWMComponent ---- */

typedef struct { Obj o; const Component *c; int writer, index; } WMComponent;
static void *g_componentVtbl[9];

static HRESULT WINAPI Component_GetComponentInfo(WMComponent *self, VSS_COMPONENTINFO **out)
{
    VSS_COMPONENTINFO *info = calloc(1, sizeof *info);
    info->type = self->c->type;
    info->bstrLogicalPath = bstr(self->c->logical, "componentinfo.logicalPath", false);
    info->bstrComponentName = bstr(self->c->name, "componentinfo.componentName", false);
    info->bstrCaption = bstr(self->c->name, "componentinfo.caption", false);
    info->bSelectable = self->c->selectable;
    info->bNotifyOnBackupComplete = true;
    info->cDatabases = (UINT)self->c->nfiles[0];
    info->cLogFiles = (UINT)self->c->nfiles[1];
    info->cFileCount = (UINT)self->c->nfiles[2];
    *out = info;
    return result("IVssWMComponent::GetComponentInfo", S_OK, "writer=%d component=%d", self->writer, self->index);
}

static HRESULT WINAPI Component_FreeComponentInfo(WMComponent *self, VSS_COMPONENTINFO *info)
{
    if (!info) return result("IVssWMComponent::FreeComponentInfo", E_INVALIDARG, "null");
    own_free(info->bstrLogicalPath);
    own_free(info->bstrComponentName);
    own_free(info->bstrCaption);
    free(info);
    return result("IVssWMComponent::FreeComponentInfo", S_OK, "writer=%d component=%d", self->writer, self->index);
}

static HRESULT component_file(WMComponent *self, int role, const char *call, UINT i, IUnknown **out)
{
    if (!out || i >= (UINT)self->c->nfiles[role]) return result(call, E_INVALIDARG, "index=%u", i);
    char what[64];
    snprintf(what, sizeof what, "%s[%u]", role == 0 ? "database" : role == 1 ? "logfile" : "file", i);
    *out = new_filedesc(&self->c->files[role][i], what);
    return result(call, S_OK, "index=%u", i);
}

static HRESULT WINAPI Component_GetFile(WMComponent *self, UINT i, IUnknown **out) { return component_file(self, 2, "IVssWMComponent::GetFile", i, out); }
static HRESULT WINAPI Component_GetDatabaseFile(WMComponent *self, UINT i, IUnknown **out) { return component_file(self, 0, "IVssWMComponent::GetDatabaseFile", i, out); }
static HRESULT WINAPI Component_GetDatabaseLogFile(WMComponent *self, UINT i, IUnknown **out) { return component_file(self, 1, "IVssWMComponent::GetDatabaseLogFile", i, out); }

/* ---- IVssExamineWriterMetadata ---- */

typedef struct { Obj o; int writer; } Metadata;
static void *g_metadataVtbl[14];

static HRESULT WINAPI Metadata_GetIdentity(Metadata *self, GUID *instance, GUID *writer, BSTR *name, int *usage, int *source)
{
    Writer *w = &g_writers[self->writer];
    if (!instance || !writer || !name || !usage || !source) return result("IVssExamineWriterMetadata::GetIdentity", E_INVALIDARG, "writer=%d", self->writer);
    *instance = w->instance;
    *writer = w->writer;
    *name = bstr(w->name, "GetIdentity.name", true);
    *usage = 2; /* VSS_UT_BOOTABLESYSTEMSTATE */
    *source = 2; /* VSS_ST_TRANSACTEDDB */
    return result("IVssExamineWriterMetadata::GetIdentity", S_OK, "writer=%d", self->writer);
}

static HRESULT WINAPI Metadata_GetFileCounts(Metadata *self, UINT *includes, UINT *excludes, UINT *components)
{
    if (!includes || !excludes || !components) return result("IVssExamineWriterMetadata::GetFileCounts", E_INVALIDARG, "writer=%d", self->writer);
    *includes = 0;
    *excludes = (UINT)g_writers[self->writer].nexcludes;
    *components = (UINT)g_writers[self->writer].ncomps;
    return result("IVssExamineWriterMetadata::GetFileCounts", S_OK, "writer=%d", self->writer);
}

static HRESULT WINAPI Metadata_GetExcludeFile(Metadata *self, UINT i, IUnknown **out)
{
    Writer *w = &g_writers[self->writer];
    if (!out || i >= (UINT)w->nexcludes) return result("IVssExamineWriterMetadata::GetExcludeFile", E_INVALIDARG, "writer=%d index=%u", self->writer, i);
    char what[64];
    snprintf(what, sizeof what, "exclude[%u]", i);
    *out = new_filedesc(&w->excludes[i], what);
    return result("IVssExamineWriterMetadata::GetExcludeFile", S_OK, "writer=%d index=%u", self->writer, i);
}

static HRESULT WINAPI Metadata_GetComponent(Metadata *self, UINT i, IUnknown **out)
{
    Writer *w = &g_writers[self->writer];
    if (!out || i >= (UINT)w->ncomps) return result("IVssExamineWriterMetadata::GetComponent", E_INVALIDARG, "writer=%d index=%u", self->writer, i);
    WMComponent *c = new_obj(sizeof *c, g_componentVtbl, "IVssWMComponent");
    c->c = &w->comps[i];
    c->writer = self->writer;
    c->index = (int)i;
    *out = (IUnknown *)c;
    return result("IVssExamineWriterMetadata::GetComponent", S_OK, "writer=%d index=%u", self->writer, i);
}

static HRESULT WINAPI Metadata_SaveAsXML(Metadata *self, BSTR *out)
{
    if (!out) return result("IVssExamineWriterMetadata::SaveAsXML", E_INVALIDARG, "writer=%d", self->writer);
    HRESULT failed = failure_of("IVssExamineWriterMetadata::SaveAsXML", false);
    if (failed) return result("IVssExamineWriterMetadata::SaveAsXML", failed, "writer=%d", self->writer);
    *out = bstr(g_writers[self->writer].xml, "WriterMetadata.SaveAsXML", true);
    return result("IVssExamineWriterMetadata::SaveAsXML", S_OK, "writer=%d", self->writer);
}

/* ---- IVssBackupComponents ---- */

typedef struct
{
    Obj o;
    bool initialized, gathered, started, prepared, snapshotted, statusGathered;
    GUID set;
    GUID snapshots[MAX_ITEMS];
    WCHAR *snapshotVolumes[MAX_ITEMS];
    int nsnapshots;
} Components;
static void *g_componentsVtbl[51];

#define FAIL_IF_CONFIGURED(call, ...) do { HRESULT f_ = failure_of(call, false); if (f_) return result(call, f_, __VA_ARGS__); } while (0)

static HRESULT WINAPI BC_InitializeForBackup(Components *self, BSTR xml)
{
    FAIL_IF_CONFIGURED("InitializeForBackup", "xml=%s", xml ? "non-null" : "null");
    self->initialized = true;
    return result("InitializeForBackup", S_OK, "xml=%s", xml ? "non-null" : "null");
}

static HRESULT WINAPI BC_SetBackupState(Components *self, bool select, bool bootable, int type, bool partial)
{
    FAIL_IF_CONFIGURED("SetBackupState", "type=%d", type);
    if (!self->initialized) return result("SetBackupState", VSS_E_BAD_STATE, "before InitializeForBackup");
    return result("SetBackupState", S_OK, "select=%d bootable=%d type=%d partial=%d", select, bootable, type, partial);
}

static HRESULT async_call(Components *self, const char *call, IUnknown **out, bool ready)
{
    (void)self;
    if (!out) return result(call, E_INVALIDARG, "null out");
    FAIL_IF_CONFIGURED(call, "%s", "");
    if (!ready) return result(call, VSS_E_BAD_STATE, "out of order");
    *out = new_async(call);
    return result(call, S_OK, "%s", ((Obj *)*out)->name);
}

static HRESULT WINAPI BC_GatherWriterMetadata(Components *self, IUnknown **out)
{
    HRESULT hr = async_call(self, "GatherWriterMetadata", out, self->initialized);
    if (SUCCEEDED(hr)) self->gathered = true;
    return hr;
}

static HRESULT WINAPI BC_GetWriterMetadataCount(Components *self, UINT *count)
{
    if (!count) return result("GetWriterMetadataCount", E_INVALIDARG, "null");
    if (!self->gathered) return result("GetWriterMetadataCount", VSS_E_BAD_STATE, "before GatherWriterMetadata");
    *count = (UINT)g_nwriters;
    return result("GetWriterMetadataCount", S_OK, "count=%d", g_nwriters);
}

static HRESULT WINAPI BC_GetWriterMetadata(Components *self, UINT i, GUID *instance, IUnknown **out)
{
    (void)self;
    if (!instance || !out || i >= (UINT)g_nwriters) return result("GetWriterMetadata", E_INVALIDARG, "index=%u", i);
    *instance = g_writers[i].instance;
    Metadata *m = new_obj(sizeof *m, g_metadataVtbl, "IVssExamineWriterMetadata");
    m->writer = (int)i;
    *out = (IUnknown *)m;
    return result("GetWriterMetadata", S_OK, "index=%u", i);
}

static HRESULT WINAPI BC_FreeWriterMetadata(Components *self)
{
    (void)self;
    return result("FreeWriterMetadata", S_OK, NULL);
}

static HRESULT component_call(const char *call, GUID instance, GUID writer, int type, const WCHAR *logical, const WCHAR *name, const char *extra)
{
    char i[40], w[40], l[1024], n[1024];
    guid_text(&instance, i);
    guid_text(&writer, w);
    utf8(logical, l, sizeof l);
    utf8(name, n, sizeof n);
    FAIL_IF_CONFIGURED(call, "instance=%s writer=%s type=%d logical=%s name=%s%s", i, w, type, l, n, extra);
    for (int x = 0; x < g_nwriters; x++)
        if (IsEqualGUID(&g_writers[x].writer, &writer) && IsEqualGUID(&g_writers[x].instance, &instance))
            return result(call, S_OK, "instance=%s writer=%s type=%d logical=%s name=%s%s", i, w, type, l, n, extra);
    return result(call, (HRESULT)0x80042308 /* VSS_E_OBJECT_NOT_FOUND */, "instance=%s writer=%s type=%d logical=%s name=%s%s", i, w, type, l, n, extra);
}

static HRESULT WINAPI BC_AddComponent(Components *self, GUID instance, GUID writer, int type, const WCHAR *logical, const WCHAR *name)
{
    if (!self->gathered) return result("AddComponent", VSS_E_BAD_STATE, "before GatherWriterMetadata");
    return component_call("AddComponent", instance, writer, type, logical, name, "");
}

static HRESULT WINAPI BC_PrepareForBackup(Components *self, IUnknown **out)
{
    HRESULT hr = async_call(self, "PrepareForBackup", out, self->started && self->nsnapshots > 0);
    if (SUCCEEDED(hr)) self->prepared = true;
    return hr;
}

static HRESULT WINAPI BC_AbortBackup(Components *self)
{
    (void)self;
    return result("AbortBackup", S_OK, NULL);
}

static HRESULT WINAPI BC_GatherWriterStatus(Components *self, IUnknown **out)
{
    HRESULT hr = async_call(self, "GatherWriterStatus", out, self->gathered);
    if (SUCCEEDED(hr)) self->statusGathered = true;
    return hr;
}

static HRESULT WINAPI BC_GetWriterStatusCount(Components *self, UINT *count)
{
    if (!count) return result("GetWriterStatusCount", E_INVALIDARG, "null");
    if (!self->statusGathered) return result("GetWriterStatusCount", VSS_E_BAD_STATE, "before GatherWriterStatus");
    *count = (UINT)g_nwriters;
    return result("GetWriterStatusCount", S_OK, "count=%d", g_nwriters);
}

static HRESULT WINAPI BC_FreeWriterStatus(Components *self)
{
    self->statusGathered = false;
    return result("FreeWriterStatus", S_OK, NULL);
}

static HRESULT WINAPI BC_GetWriterStatus(Components *self, UINT i, GUID *instance, GUID *writer, BSTR *name, int *state, HRESULT *failure)
{
    (void)self;
    if (!instance || !writer || !name || !state || !failure || i >= (UINT)g_nwriters) return result("GetWriterStatus", E_INVALIDARG, "index=%u", i);
    Writer *w = &g_writers[i];
    *instance = w->instance;
    *writer = w->writer;
    *name = bstr(w->name, "GetWriterStatus.name", true);
    *state = w->state;
    *failure = w->failure;
    return result("GetWriterStatus", S_OK, "index=%u state=%d", i, w->state);
}

static HRESULT WINAPI BC_SetBackupSucceeded(Components *self, GUID instance, GUID writer, int type, const WCHAR *logical, const WCHAR *name, bool succeeded)
{
    if (!self->snapshotted) return result("SetBackupSucceeded", VSS_E_BAD_STATE, "before DoSnapshotSet");
    return component_call("SetBackupSucceeded", instance, writer, type, logical, name, succeeded ? " succeeded=1" : " succeeded=0");
}

static HRESULT WINAPI BC_SaveAsXML(Components *self, BSTR *out)
{
    if (!out) return result("SaveAsXML", E_INVALIDARG, "null");
    FAIL_IF_CONFIGURED("SaveAsXML", "%s", "");
    *out = bstr(g_document ? g_document : L"<BACKUP_COMPONENTS/>", "SaveAsXML", true);
    return result("SaveAsXML", S_OK, "after DoSnapshotSet=%d", self->snapshotted);
}

static HRESULT WINAPI BC_BackupComplete(Components *self, IUnknown **out) { return async_call(self, "BackupComplete", out, self->snapshotted); }

static HRESULT WINAPI BC_SetContext(Components *self, LONG context)
{
    FAIL_IF_CONFIGURED("SetContext", "context=%ld", context);
    if (!self->initialized) return result("SetContext", VSS_E_BAD_STATE, "before InitializeForBackup");
    return result("SetContext", S_OK, "context=%ld", context);
}

static HRESULT WINAPI BC_StartSnapshotSet(Components *self, GUID *set)
{
    if (!set) return result("StartSnapshotSet", E_INVALIDARG, "null");
    FAIL_IF_CONFIGURED("StartSnapshotSet", "%s", "");
    if (self->started) return result("StartSnapshotSet", (HRESULT)0x80042316 /* VSS_E_SNAPSHOT_SET_IN_PROGRESS */, "twice");
    CoCreateGuid(&self->set);
    *set = self->set;
    self->started = true;
    char g[40];
    guid_text(set, g);
    return result("StartSnapshotSet", S_OK, "set=%s", g);
}

static HRESULT WINAPI BC_AddToSnapshotSet(Components *self, WCHAR *volume, GUID provider, GUID *id)
{
    char v[1024], p[40];
    utf8(volume, v, sizeof v);
    guid_text(&provider, p);
    if (!volume || !id) return result("AddToSnapshotSet", E_INVALIDARG, "volume=%s", v);
    FAIL_IF_CONFIGURED("AddToSnapshotSet", "volume=%s provider=%s", v, p);
    if (!self->started || self->nsnapshots >= MAX_ITEMS) return result("AddToSnapshotSet", VSS_E_BAD_STATE, "volume=%s", v);
    CoCreateGuid(&self->snapshots[self->nsnapshots]);
    *id = self->snapshots[self->nsnapshots];
    self->snapshotVolumes[self->nsnapshots++] = _wcsdup(volume);
    return result("AddToSnapshotSet", S_OK, "volume=%s provider=%s", v, p);
}

static HRESULT WINAPI BC_DoSnapshotSet(Components *self, IUnknown **out)
{
    HRESULT hr = async_call(self, "DoSnapshotSet", out, self->prepared);
    if (SUCCEEDED(hr) && !failure_of("DoSnapshotSet", true)) self->snapshotted = true;
    return hr;
}

static WCHAR *co_string(const WCHAR *s)
{
    if (!s) return NULL;
    size_t bytes = (wcslen(s) + 1) * sizeof(WCHAR);
    WCHAR *copy = CoTaskMemAlloc(bytes);
    memcpy(copy, s, bytes);
    return copy;
}

static HRESULT WINAPI BC_GetSnapshotProperties(Components *self, GUID id, VSS_SNAPSHOT_PROP *prop)
{
    char g[40];
    guid_text(&id, g);
    if (!prop) return result("GetSnapshotProperties", E_INVALIDARG, "id=%s", g);
    FAIL_IF_CONFIGURED("GetSnapshotProperties", "id=%s", g);
    for (int i = 0; i < self->nsnapshots; i++)
    {
        if (!IsEqualGUID(&self->snapshots[i], &id)) continue;
        const WCHAR *device = NULL;
        for (int d = 0; d < g_ndevices; d++)
            if (_wcsicmp(g_volumes[d], self->snapshotVolumes[i]) == 0) device = g_devices[d];
        if (!device || !self->snapshotted) return result("GetSnapshotProperties", (HRESULT)0x80042308 /* VSS_E_OBJECT_NOT_FOUND */, "id=%s", g);
        memset(prop, 0, sizeof *prop);
        prop->m_SnapshotId = id;
        prop->m_SnapshotSetId = self->set;
        prop->m_lSnapshotsCount = self->nsnapshots;
        prop->m_pwszSnapshotDeviceObject = co_string(device);
        prop->m_pwszOriginalVolumeName = co_string(self->snapshotVolumes[i]);
        prop->m_pwszOriginatingMachine = co_string(L"fixture");
        prop->m_pwszServiceMachine = co_string(L"fixture");
        prop->m_eStatus = 12; /* VSS_SS_CREATED */
        char v[1024];
        utf8(self->snapshotVolumes[i], v, sizeof v);
        return result("GetSnapshotProperties", S_OK, "id=%s volume=%s", g, v);
    }
    return result("GetSnapshotProperties", (HRESULT)0x80042308, "id=%s unknown", g);
}

EXPORT void WINAPI VssFreeSnapshotPropertiesInternal(VSS_SNAPSHOT_PROP *prop)
{
    if (!prop) { result("VssFreeSnapshotPropertiesInternal", E_INVALIDARG, "null"); return; }
    int freed = 0;
    WCHAR **strings[] = { &prop->m_pwszSnapshotDeviceObject, &prop->m_pwszOriginalVolumeName, &prop->m_pwszOriginatingMachine,
                          &prop->m_pwszServiceMachine, &prop->m_pwszExposedName, &prop->m_pwszExposedPath };
    for (size_t i = 0; i < sizeof strings / sizeof strings[0]; i++)
        if (*strings[i]) { CoTaskMemFree(*strings[i]); *strings[i] = NULL; freed++; }
    result("VssFreeSnapshotPropertiesInternal", S_OK, "strings=%d", freed);
}

static void init_vtables(void)
{
    void **unk[] = { g_asyncVtbl, g_filedescVtbl, g_componentVtbl, g_metadataVtbl, g_componentsVtbl };
    int sizes[] = { 6, 8, 9, 14, 51 };
    void *stubs[] = { 0, 0, 0, stub_3, stub_4, stub_5, stub_6, stub_7, stub_8, stub_9, stub_10, stub_11, stub_12, stub_13,
                      stub_14, stub_15, stub_16, stub_17, stub_18, stub_19, stub_20, stub_21, stub_22, stub_23, stub_24,
                      stub_25, stub_26, stub_27, stub_28, stub_29, stub_30, stub_31, stub_32, stub_33, stub_34, stub_35,
                      stub_36, stub_37, stub_38, stub_39, stub_40, stub_41, stub_42, stub_43, stub_44, stub_45, stub_46,
                      stub_47, stub_48, stub_49, stub_50 };
    for (int v = 0; v < 5; v++)
    {
        unk[v][0] = QueryInterface;
        unk[v][1] = AddRef;
        unk[v][2] = Release;
        for (int s = 3; s < sizes[v]; s++) unk[v][s] = stubs[s];
    }

    g_asyncVtbl[3] = Async_Cancel;
    g_asyncVtbl[4] = Async_Wait;
    g_asyncVtbl[5] = Async_QueryStatus;

    g_filedescVtbl[3] = Filedesc_GetPath;
    g_filedescVtbl[4] = Filedesc_GetFilespec;
    g_filedescVtbl[5] = Filedesc_GetRecursive;
    g_filedescVtbl[6] = Filedesc_GetAlternateLocation;
    g_filedescVtbl[7] = Filedesc_GetBackupTypeMask;

    g_componentVtbl[3] = Component_GetComponentInfo;
    g_componentVtbl[4] = Component_FreeComponentInfo;
    g_componentVtbl[5] = Component_GetFile;
    g_componentVtbl[6] = Component_GetDatabaseFile;
    g_componentVtbl[7] = Component_GetDatabaseLogFile;

    g_metadataVtbl[3] = Metadata_GetIdentity;
    g_metadataVtbl[4] = Metadata_GetFileCounts;
    g_metadataVtbl[6] = Metadata_GetExcludeFile;
    g_metadataVtbl[7] = Metadata_GetComponent;
    g_metadataVtbl[12] = Metadata_SaveAsXML;

    g_componentsVtbl[5] = BC_InitializeForBackup;
    g_componentsVtbl[6] = BC_SetBackupState;
    g_componentsVtbl[9] = BC_GatherWriterMetadata;
    g_componentsVtbl[10] = BC_GetWriterMetadataCount;
    g_componentsVtbl[11] = BC_GetWriterMetadata;
    g_componentsVtbl[12] = BC_FreeWriterMetadata;
    g_componentsVtbl[13] = BC_AddComponent;
    g_componentsVtbl[14] = BC_PrepareForBackup;
    g_componentsVtbl[15] = BC_AbortBackup;
    g_componentsVtbl[16] = BC_GatherWriterStatus;
    g_componentsVtbl[17] = BC_GetWriterStatusCount;
    g_componentsVtbl[18] = BC_FreeWriterStatus;
    g_componentsVtbl[19] = BC_GetWriterStatus;
    g_componentsVtbl[20] = BC_SetBackupSucceeded;
    g_componentsVtbl[26] = BC_SaveAsXML;
    g_componentsVtbl[27] = BC_BackupComplete;
    g_componentsVtbl[35] = BC_SetContext;
    g_componentsVtbl[36] = BC_StartSnapshotSet;
    g_componentsVtbl[37] = BC_AddToSnapshotSet;
    g_componentsVtbl[38] = BC_DoSnapshotSet;
    g_componentsVtbl[42] = BC_GetSnapshotProperties;
}

EXPORT HRESULT WINAPI CreateVssBackupComponentsInternal(IUnknown **out)
{
    if (!out) return E_INVALIDARG;
    *out = NULL;
    if (!read_config()) return E_UNEXPECTED; /* no configuration: nothing to log to either */
    EnterCriticalSection(&g_lock);
    g_objects = NULL; /* objects of earlier sessions stay allocated: a test process is short */
    g_nbstrs = 0;
    LeaveCriticalSection(&g_lock);
    if (!hook_sysfreestring()) return result("CreateVssBackupComponentsInternal", E_UNEXPECTED, "oleaut32!SysFreeString could not be redirected");
    FAIL_IF_CONFIGURED("CreateVssBackupComponentsInternal", "%s", "");
    Components *c = new_obj(sizeof *c, g_componentsVtbl, "IVssBackupComponents");
    *out = (IUnknown *)c;
    return result("CreateVssBackupComponentsInternal", S_OK, "%s", c->o.name);
}

BOOL WINAPI DllMain(HINSTANCE instance, DWORD reason, LPVOID reserved)
{
    (void)instance; (void)reserved;
    if (reason == DLL_PROCESS_ATTACH)
    {
        InitializeCriticalSection(&g_lock);
        init_vtables();
    }
    return TRUE;
}
