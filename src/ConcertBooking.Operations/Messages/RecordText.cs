using System.Buffers.Binary;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using ConcertBooking.Messaging;
using Confluent.Kafka;

namespace ConcertBooking.Operations.Messages;

/// <summary>Turns a record's bytes into text an operator can read and a browser can show safely.</summary>
public static class RecordText
{
    private const string Base64Prefix = "base64:";

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private static readonly JsonWriterOptions Pretty = new() { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static MessageView View(ConsumeResult<byte[]?, byte[]?> record)
    {
        var headers = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (var header in record.Message.Headers ?? [])
        {
            // A name given twice shows its last value, which is the one consumers read.
            headers[header.Key] = HeaderText(header.Key, header.GetValueBytes());
        }

        return new MessageView(
            record.Topic,
            record.Partition.Value,
            record.Offset.Value,
            DateTimeOffset.FromUnixTimeMilliseconds(record.Message.Timestamp.UnixTimestampMs),
            Text(record.Message.Key),
            headers,
            ValueText(record.Message.Value));
    }

    /// <summary>The last value of a header as UTF-8 text; null when absent or not text.</summary>
    public static string? Header(Headers? headers, string name) =>
        headers is not null && headers.TryGetLastBytes(name, out var bytes) && bytes is not null && TryUtf8(bytes, out var text) ? text : null;

    /// <summary>Spring's numeric failure headers are big-endian integers; everything else is text or base64.</summary>
    public static string? HeaderText(string name, byte[]? bytes)
    {
        if (bytes is null)
        {
            return null;
        }

        return name switch
        {
            KafkaHeaders.SpringOriginalPartition when bytes.Length == sizeof(int) => BinaryPrimitives.ReadInt32BigEndian(bytes).ToString(System.Globalization.CultureInfo.InvariantCulture),
            KafkaHeaders.SpringOriginalOffset or KafkaHeaders.SpringOriginalTimestamp when bytes.Length == sizeof(long) =>
                BinaryPrimitives.ReadInt64BigEndian(bytes).ToString(System.Globalization.CultureInfo.InvariantCulture),
            _ => Text(bytes),
        };
    }

    /// <summary>UTF-8 text, or <c>base64:…</c> for bytes that are not (or hold control characters other than
    /// line breaks and tabs).</summary>
    public static string? Text(byte[]? bytes)
    {
        if (bytes is null)
        {
            return null;
        }

        return TryUtf8(bytes, out var text) ? text : Base64Prefix + Convert.ToBase64String(bytes);
    }

    /// <summary>The value pretty-printed when it is JSON, else as <see cref="Text"/>.</summary>
    public static string? ValueText(byte[]? value)
    {
        if (value is null || value.Length == 0)
        {
            return value is null ? null : string.Empty;
        }

        try
        {
            using var document = JsonDocument.Parse(value);
            using var buffer = new MemoryStream();
            using (var writer = new Utf8JsonWriter(buffer, Pretty))
            {
                document.WriteTo(writer);
            }

            return Encoding.UTF8.GetString(buffer.ToArray());
        }
        catch (JsonException)
        {
            return Text(value);
        }
    }

    private static bool TryUtf8(byte[] bytes, out string text)
    {
        try
        {
            text = StrictUtf8.GetString(bytes);
        }
        catch (DecoderFallbackException)
        {
            text = string.Empty;
            return false;
        }

        foreach (var c in text)
        {
            if (char.IsControl(c) && c is not ('\n' or '\r' or '\t'))
            {
                return false;
            }
        }

        return true;
    }
}
