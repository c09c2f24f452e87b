using ExternalBackup.Interop.Esent.Native;

namespace ExternalBackup.Interop.Tests;

/// <summary>
/// The managed structs against the reference's sizes (§2.5, §9) and against the C compiler's view of the same
/// declarations (the fixture reports sizeof/offsetof).
/// </summary>
public sealed unsafe class StructLayoutTests
{
    private FixtureControl _control = null!;

    [SetUp]
    public void SetUp() => _control = new FixtureControl();

    [TearDown]
    public void TearDown() => _control.Dispose();

    [Test]
    public void The_compiler_of_the_fixture_has_the_widths_the_binding_declares()
    {
        using (Assert.EnterMultipleScope())
        {
            // LLP64 (Windows x64): unsigned long is 4 bytes, so esent.h's unsigned long is the binding's uint; LP64 (Linux): 8.
            Assert.That(_control.Layout("unsigned long"), Is.EqualTo(OperatingSystem.IsWindows() ? 4 : 8));
            Assert.That(_control.Layout("JET_ULONG"), Is.EqualTo(sizeof(uint)), "unsigned long of esent.h (JET_GRBIT, cbMax, pcbActual)");
            Assert.That(_control.Layout("JET_API_PTR"), Is.EqualTo(sizeof(nint)), "JET_INSTANCE, JET_SESID, JET_HANDLE");
        }
    }

    [Test]
    public void JetLogInfoW_is_20_bytes_with_the_documented_offsets()
    {
        NativeLogInfoW s = default;
        var b = (byte*)&s;
        using (Assert.EnterMultipleScope())
        {
            Assert.That(sizeof(NativeLogInfoW), Is.EqualTo(20));
            Assert.That(NativeLogInfoW.Size, Is.EqualTo(20u));
            Assert.That((byte*)&s.UlGenLow - b, Is.EqualTo(4));
            Assert.That((byte*)&s.UlGenHigh - b, Is.EqualTo(8));
            Assert.That((byte*)s.SzBaseName - b, Is.EqualTo(12));
            Assert.That(sizeof(NativeLogInfoW), Is.EqualTo(_control.Layout("JET_LOGINFO_W")));
            Assert.That((byte*)&s.UlGenLow - b, Is.EqualTo(_control.Layout("JET_LOGINFO_W.ulGenLow")));
            Assert.That((byte*)&s.UlGenHigh - b, Is.EqualTo(_control.Layout("JET_LOGINFO_W.ulGenHigh")));
            Assert.That((byte*)s.SzBaseName - b, Is.EqualTo(_control.Layout("JET_LOGINFO_W.szBaseName")));
        }
    }

    [Test]
    public void JetRstMapW_is_two_pointers()
    {
        NativeRstMapW s = default;
        using (Assert.EnterMultipleScope())
        {
            Assert.That(sizeof(NativeRstMapW), Is.EqualTo(2 * IntPtr.Size), "8 on x86, 16 on x64 (§2.5)");
            Assert.That(sizeof(NativeRstMapW), Is.EqualTo(_control.Layout("JET_RSTMAP_W")));
            Assert.That((byte*)&s.SzNewDatabaseName - (byte*)&s, Is.EqualTo(_control.Layout("JET_RSTMAP_W.szNewDatabaseName")));
        }
    }

    [Test]
    public void JetSnProg_is_12_bytes()
    {
        NativeSnProg s = default;
        using (Assert.EnterMultipleScope())
        {
            Assert.That(sizeof(NativeSnProg), Is.EqualTo(12));
            Assert.That(sizeof(NativeSnProg), Is.EqualTo(_control.Layout("JET_SNPROG")));
            Assert.That((byte*)&s.CunitDone - (byte*)&s, Is.EqualTo(_control.Layout("JET_SNPROG.cunitDone")));
            Assert.That((byte*)&s.CunitTotal - (byte*)&s, Is.EqualTo(_control.Layout("JET_SNPROG.cunitTotal")));
        }
    }

    [Test]
    public void JetRstInfoW_has_the_offsets_of_reference_section_9()
    {
        NativeRstInfoW s = default;
        var b = (byte*)&s;
        var x64 = IntPtr.Size == 8;
        using (Assert.EnterMultipleScope())
        {
            Assert.That(sizeof(NativeLgPos), Is.EqualTo(8));
            Assert.That(sizeof(NativeLogTime), Is.EqualTo(8));
            Assert.That(sizeof(NativeRstInfoW), Is.EqualTo(x64 ? 48 : 32));
            Assert.That((byte*)&s.Rgrstmap - b, Is.EqualTo(x64 ? 8 : 4));
            Assert.That((byte*)&s.Crstmap - b, Is.EqualTo(x64 ? 16 : 8));
            Assert.That((byte*)&s.LgposStop - b, Is.EqualTo(x64 ? 20 : 12));
            Assert.That((byte*)&s.LogtimeStop - b, Is.EqualTo(x64 ? 28 : 20));
            Assert.That((byte*)&s.PfnStatus - b, Is.EqualTo(x64 ? 40 : 28));
            Assert.That(sizeof(NativeRstInfoW), Is.EqualTo(_control.Layout("JET_RSTINFO_W")));
            Assert.That((byte*)&s.Rgrstmap - b, Is.EqualTo(_control.Layout("JET_RSTINFO_W.rgrstmap")));
            Assert.That((byte*)&s.Crstmap - b, Is.EqualTo(_control.Layout("JET_RSTINFO_W.crstmap")));
            Assert.That((byte*)&s.LgposStop - b, Is.EqualTo(_control.Layout("JET_RSTINFO_W.lgposStop")));
            Assert.That((byte*)&s.LogtimeStop - b, Is.EqualTo(_control.Layout("JET_RSTINFO_W.logtimeStop")));
            Assert.That((byte*)&s.PfnStatus - b, Is.EqualTo(_control.Layout("JET_RSTINFO_W.pfnStatus")));
        }
    }
}
