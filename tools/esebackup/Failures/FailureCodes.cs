namespace ExternalBackup.Cli.Failures;

/// <summary>The stable codes of <see cref="CliFailure.Code"/> (JSON <c>error.code</c>), documented in <c>docs/json.md</c>.</summary>
public static class FailureCodes
{
    /// <summary>Exit 2: a wrong, missing or inapplicable option or argument.</summary>
    public const string Usage = "usage";

    /// <summary>Exit 2: a file or folder could not be read or written (missing, denied, disk full).</summary>
    public const string Io = "io";

    /// <summary>Exit 2: the engine could not be opened (missing instance folder or native library).</summary>
    public const string Engine = "engine";

    /// <summary>Exit 1: the backup failed (engine error, verification failure, no base for the chain...).</summary>
    public const string BackupFailed = "backupFailed";

    /// <summary>Exit 1: something is corrupt or malformed (a manifest, a set, a file).</summary>
    public const string Corrupt = "corrupt";

    /// <summary>Exit 1: an unexpected failure inside esebackup (a defect: please report it with the message).</summary>
    public const string Internal = "internal";

    /// <summary>Exit 130: cancelled by SIGINT or SIGTERM after a clean abort.</summary>
    public const string Cancelled = "cancelled";

    /// <summary>Exit 2: the S3 bucket does not exist.</summary>
    public const string S3BucketNotFound = "s3BucketNotFound";

    /// <summary>Exit 2: the S3 bucket name is not a valid one.</summary>
    public const string S3InvalidBucketName = "s3InvalidBucketName";

    /// <summary>Exit 2: the store refused the keys (unknown access key, wrong secret).</summary>
    public const string S3KeysRefused = "s3KeysRefused";

    /// <summary>Exit 2: the keys were accepted but the bucket or prefix may not be used with them.</summary>
    public const string S3AccessDenied = "s3AccessDenied";

    /// <summary>Exit 2: no keys were given and the SDK found none.</summary>
    public const string S3NoKeys = "s3NoKeys";

    /// <summary>Exit 2: the S3 endpoint is not a usable URL.</summary>
    public const string S3BadEndpoint = "s3BadEndpoint";

    /// <summary>Exit 2: the S3 endpoint could not be reached (refused, unknown host, timed out).</summary>
    public const string S3Unreachable = "s3Unreachable";

    /// <summary>Exit 2: any other error the store answered with.</summary>
    public const string S3Error = "s3Error";
}
