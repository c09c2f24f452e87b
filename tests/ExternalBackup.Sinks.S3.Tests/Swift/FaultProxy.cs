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
    public bool IsUploadPart => Method == "PUT" && Query.ContainsKey("partNumber") && Query.ContainsKey("uploadId");

    public bool IsCompleteUpload => Method == "POST" && Query.ContainsKey("uploadId");

    public bool IsPutObject => Method == "PUT" && !Query.ContainsKey("partNumber") && Path.Count(c => c == '/') >= 2;

    public int PartNumber => int.Parse(Query["partNumber"], System.Globalization.CultureInfo.InvariantCulture);

    public string UploadId => Query["uploadId"];
}

/// <summary>One line of the proxy's log: the request, the fault applied, and the status the client got (-1: none).</summary>
internal sealed record ProxyLogEntry(ProxyRequest Request, FaultKind Fault, int DeliveredStatus);

/// <summary>
/// A small HTTP proxy on 127.0.0.1 in front of the S3 server that injects scripted faults: throttling, server
/// errors, dropped connections, stalled answers and lost answers. Every request and what the client got is logged.
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

    private readonly HttpListener _listener = new();
    private readonly HttpClient _backend;
    private readonly Uri _target;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
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
        var port = FreePort();
        Endpoint = new Uri($"http://127.0.0.1:{port}/");
        _listener.Prefixes.Add(Endpoint.ToString());
        _listener.Start();
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
        _listener.Close();
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

    private static int FreePort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }

    private async Task AcceptLoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception) when (_stop.IsCancellationRequested)
            {
                return;
            }
            catch (HttpListenerException)
            {
                continue;
            }

            _ = Task.Run(() => HandleAsync(context));
        }
    }

    private async Task HandleAsync(HttpListenerContext context)
    {
        var request = context.Request;
        var query = new Dictionary<string, string>(StringComparer.Ordinal);
        var rawQuery = request.Url!.Query.TrimStart('?');
        foreach (var pair in rawQuery.Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var kv = pair.Split('=', 2);
            query[Uri.UnescapeDataString(kv[0])] = kv.Length > 1 ? Uri.UnescapeDataString(kv[1]) : "";
        }

        var seen = new ProxyRequest(Interlocked.Increment(ref _index), request.HttpMethod, request.Url.AbsolutePath, query);
        var fault = Fault.Forward;
        var delivered = -1;
        try
        {
            fault = Script(seen);
            byte[] body;
            using (var buffer = new MemoryStream())
            {
                await request.InputStream.CopyToAsync(buffer, _stop.Token);
                body = buffer.ToArray();
            }

            switch (fault.Kind)
            {
                case FaultKind.Status:
                    delivered = await AnswerErrorAsync(context.Response, fault);
                    return;
                case FaultKind.Drop:
                    context.Response.Abort();
                    return;
                case FaultKind.Stall:
                    try
                    {
                        await Task.Delay(StallFor, _stop.Token);
                    }
                    catch (OperationCanceledException)
                    {
                    }

                    context.Response.Abort();
                    return;
            }

            using var forwarded = BuildBackendRequest(request, body);
            using var answer = await _backend.SendAsync(forwarded, HttpCompletionOption.ResponseContentRead, _stop.Token);
            var content = await answer.Content.ReadAsByteArrayAsync(_stop.Token);
            if (fault.Kind == FaultKind.LoseResponse)
            {
                context.Response.Abort();
                return;
            }

            delivered = await RelayAsync(context.Response, answer, content, request.HttpMethod == "HEAD");
        }
        catch (Exception)
        {
            try
            {
                context.Response.Abort();
            }
            catch (Exception)
            {
            }

            delivered = -1;
        }
        finally
        {
            Log.Enqueue(new ProxyLogEntry(seen, fault.Kind, delivered));
        }
    }

    private HttpRequestMessage BuildBackendRequest(HttpListenerRequest request, byte[] body)
    {
        var message = new HttpRequestMessage(new HttpMethod(request.HttpMethod), new Uri(_target, request.RawUrl));
        message.Headers.Host = request.Headers["Host"];
        if (body.Length > 0 || request.HttpMethod is "PUT" or "POST")
        {
            message.Content = new ByteArrayContent(body);
        }

        foreach (var name in request.Headers.AllKeys.OfType<string>())
        {
            if (HopHeaders.Contains(name))
            {
                continue;
            }

            var value = request.Headers[name]!;
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

    private static async Task<int> RelayAsync(HttpListenerResponse response, HttpResponseMessage answer, byte[] content, bool head)
    {
        response.StatusCode = (int)answer.StatusCode;
        foreach (var header in answer.Headers.Concat(answer.Content.Headers))
        {
            if (HopHeaders.Contains(header.Key) || header.Key.Equals("Server", StringComparison.OrdinalIgnoreCase) || header.Key.Equals("Date", StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            foreach (var value in header.Value)
            {
                response.Headers.Add(header.Key, value);
            }
        }

        if (head)
        {
            if (answer.Content.Headers.ContentLength is { } length)
            {
                response.ContentLength64 = length;
            }

            response.OutputStream.Close();
            response.Close();
            return response.StatusCode;
        }

        response.ContentLength64 = content.Length;
        await response.OutputStream.WriteAsync(content);
        response.Close();
        return response.StatusCode;
    }

    private static async Task<int> AnswerErrorAsync(HttpListenerResponse response, Fault fault)
    {
        var xml = Encoding.UTF8.GetBytes(
            $"<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>{fault.Code}</Code><Message>injected by the test proxy</Message><RequestId>fault-proxy</RequestId></Error>");
        response.StatusCode = fault.Status;
        response.ContentType = "application/xml";
        if (fault.RetryAfterSeconds is { } seconds)
        {
            response.Headers.Add("Retry-After", seconds.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        response.ContentLength64 = xml.Length;
        await response.OutputStream.WriteAsync(xml);
        response.Close();
        return fault.Status;
    }
}
