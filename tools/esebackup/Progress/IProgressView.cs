namespace ExternalBackup.Cli.Progress;

/// <summary>How progress is shown on standard error: a live bar, periodic lines, JSON lines, or nothing. Called one report at a time.</summary>
public interface IProgressView
{
    /// <summary>Shows a report (a view may skip it: lines are throttled).</summary>
    void Show(ProgressSample sample);

    /// <summary>Ends the display (after the last report, or when the work failed); idempotent.</summary>
    void Finish();
}
