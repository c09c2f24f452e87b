namespace ExternalBackup.Sinks.S3.Tests;

[TestFixture]
public sealed class PartSizingTests
{
    private const long MiB = 1024 * 1024;

    [TestCase(0L)]
    [TestCase(1L)]
    [TestCase(8 * MiB)]
    [TestCase(60L * 1024 * MiB)]
    public void Small_and_medium_files_use_the_minimum_part_size(long length) =>
        Assert.That(PartSizing.ForLength(length, 8 * (int)MiB), Is.EqualTo(8 * MiB));

    [TestCase(100L * 1024 * MiB)]
    [TestCase(1024L * 1024 * MiB)]
    [TestCase(4L * 1024 * 1024 * MiB)]
    public void Large_files_never_need_more_than_10000_parts_even_with_an_eighth_of_growth(long length)
    {
        var size = PartSizing.ForLength(length, 5 * (int)MiB);
        Assert.That(size % MiB, Is.Zero, "whole MiB");
        Assert.That((length + (length / 8) + size - 1) / size, Is.LessThanOrEqualTo(10_000));
        Assert.That(PartSizing.ForLength(length, 5 * (int)MiB), Is.EqualTo(size), "deterministic, so a resumed upload cuts the same parts");
    }

    [Test]
    public void Part_size_below_the_s3_minimum_is_refused() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => PartSizing.ForLength(1, 1024));
}
