using System.Text;
using Cheeseshop.Core.Downloads;
using Cheeseshop.Core.Http;
using Cheeseshop.Core.Packaging;
using Cheeseshop.Core.Xmlrpc;
using Cheeseshop.Upload;
using Microsoft.AspNetCore.Http;

namespace Cheeseshop.Fuzz;

/// <summary>
/// Every parser that reads bytes a client chose. Each target feeds one input to one parser and lets
/// only the parser's documented refusal through: any other exception, a hang or a crash is a defect.
/// </summary>
public static class FuzzTargets
{
    public static readonly IReadOnlyDictionary<string, Action<byte[]>> All = new Dictionary<string, Action<byte[]>>
    {
        ["wheel"] = input => Distribution(input, "fuzz-1.0-py3-none-any.whl"),
        ["sdist"] = input => Distribution(input, "fuzz-1.0.tar.gz"),
        ["sdist-zip"] = input => Distribution(input, "fuzz-1.0.zip"),
        ["metadata"] = input => CoreMetadata.Parse(Text(input)).Get("Name"),
        ["multipart"] = Multipart,
        ["xmlrpc"] = XmlRpc,
        ["user-agent"] = input => UserAgentParser.Parse(Text(input)),
        ["pep440"] = Pep440,
        ["accept"] = Accept,
    };

    private static string Text(byte[] input) => Encoding.UTF8.GetString(input);

    private static void Distribution(byte[] input, string filename)
    {
        if (!DistributionFilename.TryParse(filename, "fuzz", out var parsed, out var error))
            throw new InvalidOperationException(error);
        try
        {
            // Made per input: instrumented code must not run before the fuzzer has set up its coverage map.
            var limits = new ArchiveLimits(MaxEntries: 1000, MaxMetadataBytes: 1024 * 1024, MaxCompressionRatio: 100);
            DistributionReader.Read(new MemoryStream(input, writable: false), parsed!, limits);
        }
        catch (InvalidDistributionException)
        {
            // The refusal an upload turns into a 400.
        }
    }

    private static void XmlRpc(byte[] input)
    {
        try
        {
            XmlRpcRequestParser.Parse(new MemoryStream(input, writable: false), 64 * 1024);
        }
        catch (XmlRpcParseException)
        {
            // Answered as a fault.
        }
    }

    private static void Pep440(byte[] input)
    {
        var text = Text(input);
        if (PackageVersion.TryParse(text, out var version))
        {
            var again = PackageVersion.Parse(version!.ToString());
            if (!again.Equals(version)) throw new InvalidOperationException($"'{text}' does not survive formatting");
        }
        if (SpecifierSet.TryParse(text, out var set) && version is not null) set!.Contains(version);
    }

    private static void Accept(byte[] input)
    {
        var text = Text(input);
        // The first line plays Accept-Encoding, the rest Accept.
        var split = text.IndexOf('\n');
        ContentCodingNegotiation.Choose(split < 0 ? text : text[..split]);
        SimpleNegotiation.Choose(split < 0 ? text : text[(split + 1)..]);
    }

    /// <summary>The upload form reader over a request whose first line is the Content-Type and the rest the body.</summary>
    private static void Multipart(byte[] input)
    {
        var split = Array.IndexOf(input, (byte)'\n');
        var context = new DefaultHttpContext();
        context.Request.Method = "POST";
        context.Request.ContentType = split < 0 ? "multipart/form-data; boundary=x" : Encoding.UTF8.GetString(input, 0, split).TrimEnd('\r');
        context.Request.Body = new MemoryStream(input, split + 1, input.Length - split - 1, writable: false);
        var temp = Path.Combine(Path.GetTempPath(), "cheeseshop-fuzz");
        Directory.CreateDirectory(temp);
        try
        {
            using var form = UploadForm.ReadAsync(context.Request, temp, 1024 * 1024, 64 * 1024, CancellationToken.None).GetAwaiter().GetResult();
        }
        catch (UploadException)
        {
            // Answered as a 400 or 413.
        }
    }
}
