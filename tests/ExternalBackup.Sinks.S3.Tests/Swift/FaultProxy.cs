using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace ExternalBackup.Sinks.S3.Tests.Swift;

/// <summary>What the proxy does with one request.</summary>
internal enum FaultKind
{
    /// <summary>Pass it to the server and the answer back.</summary>
    Forward,
    /// <summary>Answer with <see cref="Fault.Status"/> and an S3 error body, without asking the server.</summary>
    Status,
    /// <summary>Close the connection without an answer, without asking the server.</summary>
    Drop,
    /// <summary>Hold the request without answering (until <see cref="FaultProxy.StallFor"/> passes), then close.</summary>
    Stall,
    /// <summary>Pass it to the server, then close the connection instead of answering: the work is done, the answer lost.</summary>
    LoseResponse,
}

/// <summary>A scripted fault.</summary>
internal sealed record Fault(FaultKind Kind, int Status = 0, string Code = "", int? RetryAfterSeconds = null)
{
    public static Fault Forward { get; } = new(FaultKind.Forward);

    public static Fault SlowDown(int? retryAfterSeconds = 1) => new(FaultKind.Status, 503, "SlowDown", retryAfterSeconds);

    public static Fault InternalError { get; } = new(FaultKind.Status, 500, "InternalError");

    public static Fault AccessDenied { get; } = new(FaultKind.Status, 403, "AccessDenied");

    public static Fault Drop { get; } = new(FaultKind.Drop);

    public static Fault Stall { get; } = new(FaultKind.Stall);

    public static Fault LoseResponse { get; } = new(FaultKind.LoseResponse);
}

/// <summary>A request seen by the proxy.</summary>
internal sealed record ProxyRequest(int Index, string Method, string Path, IReadOnlyDictionary<string, string> Query)
{
    /// <summary>The <c>x-amz-copy-source</c> header of an UploadPartCopy, else <see langword="null"/>.</summary>
    public string? CopySource { get; init; }

    /// <summary>An UploadPart that carries the part's bytes (not a copy within the store).</summary>
    public bool IsUploadPart => Method == "PUT" && Query.ContainsKey("partNumber") && Query.ContainsKey("uploadId") && CopySource is null;

    public bool IsCopyPart => Method == "PUT" && Query.ContainsKey("partNumber") && Query.ContainsKey("uploadId") && CopySource is not null;

    public bool IsCompleteUpload => Method == "POST" && Query.ContainsKey("uploadId");

    public bool IsPutObject => Method == "PUT" && !Query.ContainsKey("partNumber") && Path.Count(c => c == '/') >= 2;

    public int PartNumber => int.Parse(Query["partNumber"], System.Globalization.CultureInfo.InvariantCulture);

    public string UploadId => Query["uploadId"];
}

/// <summary>One line of the proxy's log: the request, the fault applied, and the status the client got (-1: none).</summary>
internal sealed record ProxyLogEntry(ProxyRequest Request, FaultKind Fault, int DeliveredStatus);

/// <summary>
/// A small HTTP/1.1 proxy on 127.0.0.1 in front of the S3 server that injects scripted faults: throttling, server
/// errors, dropped connections, stalled answers and lost answers. It speaks HTTP on raw sockets so that a dropped
/// connection really is one (a reset, no answer). Every request and what the client got is logged.
/// </summary>
internal sealed class FaultProxy : IAsyncDisposable
{
    private static readonly HashSet<string> HopHeaders = new(StringComparer.OrdinalIgnoreCase)
    {
        "Host", "Content-Length", "Transfer-Encoding", "Connection", "Keep-Alive", "Expect", "Proxy-Connection", "TE", "Upgrade",
    };

    private static readonly HashSet<string> ContentHeaders = new(StringComparer.OrdinalIgnoreCase)
    {
        "Content-Type", "Content-MD5", "Content-Encoding", "Content-Language", "Content-Disposition", "Content-Range", "Expires", "Last-Modified",
    };

    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly HttpClient _backend;
    private readonly Uri _target;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private readonly ConcurrentDictionary<TcpClient, byte> _connections = new();
    private int _index;

    public FaultProxy(Uri target)
    {
        _target = target;
        _backend = new HttpClient(new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            AutomaticDecompression = DecompressionMethods.None,
            UseCookies = false,
            UseProxy = false,
        })
        { Timeout = Timeout.InfiniteTimeSpan };
        _listener.Start();
        Endpoint = new Uri($"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}/");
        _loop = Task.Run(AcceptLoopAsync);
    }

    public Uri Endpoint { get; }

    /// <summary>Chooses the fault for each request; forwards everything by default.</summary>
    public Func<ProxyRequest, Fault> Script { get; set; } = _ => Fault.Forward;

    /// <summary>How long a stalled request is held. Default: 20 s.</summary>
    public TimeSpan StallFor { get; set; } = TimeSpan.FromSeconds(20);

    public ConcurrentQueue<ProxyLogEntry> Log { get; } = new();

    /// <summary>The UploadPart requests whose success answer reached the client, as (upload id, part number).</summary>
    public IReadOnlyList<(string UploadId, int Part)> AcknowledgedParts() =>
        Log.Where(e => e.Request.IsUploadPart && e.DeliveredStatus == 200).Select(e => (e.Request.UploadId, e.Request.PartNumber)).ToList();

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        foreach (var connection in _connections.Keys)
        {
            connection.Dispose();
        }

        try
        {
            await _loop;
        }
        catch (Exception)
        {
            // Stopping.
        }

        _backend.Dispose();
        _stop.Dispose();
    }

    private async Task AcceptLoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stop.Token);
            }
            catch (Exception) when (_stop.IsCancellationRequested)
            {
                return;
            }
            catch (SocketException)
            {
                continue;
            }

            _connections[client] = 0;
            _ = Task.Run(() => ServeConnectionAsync(client));
        }
    }

    private async Task ServeConnectionAsync(TcpClient client)
    {
        try
        {
            client.NoDelay = true;
            var stream = client.GetStream();
            var reader = new HttpReader(stream);
            while (!_stop.IsCancellationRequested)
            {
                var head = await reader.ReadHeadAsync(_stop.Token);
                if (head is null)
                {
                    return;
                }

                if (!await HandleAsync(client, stream, reader, head))
                {
                    return;
                }
            }
        }
        catch (Exception)
        {
            // The client went away or the proxy is stopping.
        }
        finally
        {
            _connections.TryRemove(client, out _);
            client.Dispose();
        }
    }

    /// <summary>Serves one request; <see langword="false"/> when the connection was dropped.</summary>
    private async Task<bool> HandleAsync(TcpClient client, NetworkStream stream, HttpReader reader, RequestHead head)
    {
        var query = new Dictionary<string, string>(StringComparer.Ordinal);
        var q = head.Target.IndexOf('?', StringComparison.Ordinal);
        var path = q < 0 ? head.Target : head.Target[..q];
        foreach (var pair in (q < 0 ? "" : head.Target[(q + 1)..]).Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var kv = pair.Split('=', 2);
            query[Uri.UnescapeDataString(kv[0])] = kv.Length > 1 ? Uri.UnescapeDataString(kv[1]) : "";
        }

        var seen = new ProxyRequest(Interlocked.Increment(ref _index), head.Method, Uri.UnescapeDataString(path), query)
        {
            CopySource = head.Headers.FirstOrDefault(h => h.Key.Equals("x-amz-copy-source", StringComparison.OrdinalIgnoreCase)).Value,
        };
        var fault = Fault.Forward;
        var delivered = -1;
        var logged = false;
        try
        {
            fault = Script(seen);
            if (head.Headers.TryGetValue("Expect", out var expect) && expect.Equals("100-continue", StringComparison.OrdinalIgnoreCase))
            {
                await stream.WriteAsync("HTTP/1.1 100 Continue\r\n\r\n"u8.ToArray(), _stop.Token);
            }

            var length = head.Headers.TryGetValue("Content-Length", out var text) ? long.Parse(text, System.Globalization.CultureInfo.InvariantCulture) : 0;
            var body = await reader.ReadBodyAsync(checked((int)length), _stop.Token);
            switch (fault.Kind)
            {
                case FaultKind.Status:
                    var xml = Encoding.UTF8.GetBytes(
                        $"<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>{fault.Code}</Code><Message>injected by the test proxy</Message><RequestId>fault-proxy</RequestId></Error>");
                    var headers = new List<KeyValuePair<string, string>> { new("Content-Type", "application/xml") };
                    if (fault.RetryAfterSeconds is { } seconds)
                    {
                        headers.Add(new("Retry-After", seconds.ToString(System.Globalization.CultureInfo.InvariantCulture)));
                    }

                    await WriteResponseAsync(stream, fault.Status, ReasonFor(fault.Status), headers, xml, xml.Length);
                    delivered = fault.Status;
                    return true;
                case FaultKind.Drop:
                    Reset(client);
                    return false;
                case FaultKind.Stall:
                    Log.Enqueue(new ProxyLogEntry(seen, fault.Kind, -1));
                    logged = true;
                    try
                    {
                        await Task.Delay(StallFor, _stop.Token);
                    }
                    catch (OperationCanceledException)
                    {
                    }

                    Reset(client);
                    return false;
            }

            using var forwarded = BuildBackendRequest(head, body);
            using var answer = await _backend.SendAsync(forwarded, HttpCompletionOption.ResponseContentRead, _stop.Token);
            var content = await answer.Content.ReadAsByteArrayAsync(_stop.Token);
            if (fault.Kind == FaultKind.LoseResponse)
            {
                Reset(client);
                return false;
            }

            var relayed = answer.Headers.Concat(answer.Content.Headers)
                .Where(h => !HopHeaders.Contains(h.Key))
                .SelectMany(h => h.Value.Select(v => new KeyValuePair<string, string>(h.Key, v)))
                .ToList();
            var isHead = head.Method == "HEAD";
            var declared = isHead ? answer.Content.Headers.ContentLength ?? 0 : content.Length;
            await WriteResponseAsync(stream, (int)answer.StatusCode, answer.ReasonPhrase ?? "", relayed, isHead ? [] : content, declared);
            delivered = (int)answer.StatusCode;
            return true;
        }
        finally
        {
            if (!logged)
            {
                Log.Enqueue(new ProxyLogEntry(seen, fault.Kind, delivered));
            }
        }
    }

    private static void Reset(TcpClient client)
    {
        client.LingerState = new LingerOption(true, 0);
        client.Client.Close();
    }

    private static string ReasonFor(int status) => status switch
    {
        403 => "Forbidden",
        500 => "Internal Server Error",
        503 => "Service Unavailable",
        _ => "Error",
    };

    private static async Task WriteResponseAsync(NetworkStream stream, int status, string reason, IEnumerable<KeyValuePair<string, string>> headers, byte[] body, long declaredLength)
    {
        var text = new StringBuilder();
        text.Append(System.Globalization.CultureInfo.InvariantCulture, $"HTTP/1.1 {status} {reason}\r\n");
        foreach (var (name, value) in headers)
        {
            text.Append(System.Globalization.CultureInfo.InvariantCulture, $"{name}: {value}\r\n");
        }

        text.Append(System.Globalization.CultureInfo.InvariantCulture, $"Content-Length: {declaredLength}\r\n\r\n");
        await stream.WriteAsync(Encoding.ASCII.GetBytes(text.ToString()));
        if (body.Length > 0)
        {
            await stream.WriteAsync(body);
        }
    }

    private HttpRequestMessage BuildBackendRequest(RequestHead head, byte[] body)
    {
        var message = new HttpRequestMessage(new HttpMethod(head.Method), new Uri(_target, head.Target));
        message.Headers.Host = head.Headers["Host"];
        if (body.Length > 0 || head.Method is "PUT" or "POST")
        {
            message.Content = new ByteArrayContent(body);
        }

        foreach (var (name, value) in head.Headers)
        {
            if (HopHeaders.Contains(name))
            {
                continue;
            }

            if (ContentHeaders.Contains(name))
            {
                message.Content ??= new ByteArrayContent(body);
                message.Content.Headers.TryAddWithoutValidation(name, value);
            }
            else
            {
                message.Headers.TryAddWithoutValidation(name, value);
            }
        }

        return message;
    }

    private sealed record RequestHead(string Method, string Target, Dictionary<string, string> Headers);

    /// <summary>Reads HTTP/1.1 request heads and Content-Length bodies from a connection.</summary>
    private sealed class HttpReader(NetworkStream stream)
    {
        private readonly byte[] _buffer = new byte[64 * 1024];
        private int _start;
        private int _end;

        public async Task<RequestHead?> ReadHeadAsync(CancellationToken cancellationToken)
        {
            var lines = new List<string>();
            while (true)
            {
                var line = await ReadLineAsync(cancellationToken);
                if (line is null)
                {
                    return null;
                }

                if (line.Length == 0)
                {
                    if (lines.Count == 0)
                    {
                        continue;
                    }

                    break;
                }

                lines.Add(line);
            }

            var parts = lines[0].Split(' ');
            var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
            foreach (var line in lines.Skip(1))
            {
                var colon = line.IndexOf(':', StringComparison.Ordinal);
                headers[line[..colon].Trim()] = line[(colon + 1)..].Trim();
            }

            return new RequestHead(parts[0], parts[1], headers);
        }

        public async Task<byte[]> ReadBodyAsync(int length, CancellationToken cancellationToken)
        {
            var body = new byte[length];
            var filled = 0;
            while (filled < length)
            {
                if (_start == _end && !await FillAsync(cancellationToken))
                {
                    throw new EndOfStreamException("request body ended early");
                }

                var n = Math.Min(length - filled, _end - _start);
                Buffer.BlockCopy(_buffer, _start, body, filled, n);
                _start += n;
                filled += n;
            }

            return body;
        }

        private async Task<string?> ReadLineAsync(CancellationToken cancellationToken)
        {
            var line = new StringBuilder();
            while (true)
            {
                if (_start == _end && !await FillAsync(cancellationToken))
                {
                    return null;
                }

                var b = _buffer[_start++];
                if (b == '\n')
                {
                    return line.ToString().TrimEnd('\r');
                }

                line.Append((char)b);
            }
        }

        private async Task<bool> FillAsync(CancellationToken cancellationToken)
        {
            _start = 0;
            _end = await stream.ReadAsync(_buffer, cancellationToken);
            return _end > 0;
        }
    }
}
