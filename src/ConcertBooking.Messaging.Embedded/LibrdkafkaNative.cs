using System.Reflection;
using System.Runtime.InteropServices;

using Confluent.Kafka;

namespace ConcertBooking.Messaging.Embedded;

/// <summary>
/// The slice of librdkafka's C API that Confluent.Kafka does not expose: the mock cluster
/// (rdkafka_mock.h) and the plain handle it needs for book keeping.
/// </summary>
internal static partial class LibrdkafkaNative
{
    // Our own logical name, so that the resolver below decides which file it is and Confluent.Kafka's
    // own loading is left alone.
    private const string LibraryName = "librdkafka";

    // librdkafka.redist ships several Linux builds. The plain one links libsasl2.so.3, which Debian lacks,
    // so it may fail to load; Confluent.Kafka then falls back in this same order. Trying them in that order
    // makes us land on the file Confluent.Kafka uses, so the process holds one copy of librdkafka, not two.
    private static readonly string[] LinuxCandidates = ["librdkafka.so", "centos8-librdkafka.so", "alpine-librdkafka.so"];

    private static int s_resolverRegistered;

    static LibrdkafkaNative()
    {
        // A static constructor runs once, before the first call into this class, which is exactly
        // when the runtime first resolves LibraryName.
        EnsureResolverRegistered();
    }

    internal const int RdKafkaProducer = 0;

    internal static void EnsureResolverRegistered()
    {
        // SetDllImportResolver throws if called twice for the same assembly.
        if (Interlocked.Exchange(ref s_resolverRegistered, 1) == 0)
        {
            NativeLibrary.SetDllImportResolver(typeof(LibrdkafkaNative).Assembly, Resolve);
        }
    }

    private static IntPtr Resolve(string libraryName, Assembly assembly, DllImportSearchPath? searchPath)
    {
        if (libraryName != LibraryName || !OperatingSystem.IsLinux())
        {
            // Elsewhere the single native file per platform is found by the default probing, as it is for Confluent.Kafka.
            return IntPtr.Zero;
        }

        foreach (string directory in CandidateDirectories())
        {
            foreach (string file in LinuxCandidates)
            {
                string path = Path.Combine(directory, file);
                if (File.Exists(path) && NativeLibrary.TryLoad(path, out IntPtr handle))
                {
                    return handle;
                }
            }
        }

        return IntPtr.Zero;
    }

    private static IEnumerable<string> CandidateDirectories()
    {
        string rid = "linux-" + RuntimeInformation.ProcessArchitecture.ToString().ToLowerInvariant();
        string baseDirectory = AppContext.BaseDirectory;
        yield return Path.Combine(baseDirectory, "runtimes", rid, "native");

        // A RID-specific publish flattens the native files into the application folder.
        yield return baseDirectory;

        // `dotnet run`/tests from an unusual output layout still have the package in the NuGet cache,
        // and librdkafka.redist is versioned in lockstep with Confluent.Kafka.
        string? packages = Environment.GetEnvironmentVariable("NUGET_PACKAGES");
        if (string.IsNullOrEmpty(packages))
        {
            packages = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        }

        Version? version = typeof(Library).Assembly.GetName().Version;
        if (version is not null)
        {
            yield return Path.Combine(packages, "librdkafka.redist", version.ToString(3), "runtimes", rid, "native");
        }
    }

    // rdkafka.h

    [LibraryImport(LibraryName)]
    internal static partial IntPtr rd_kafka_conf_new();

    [LibraryImport(LibraryName)]
    internal static partial void rd_kafka_conf_destroy(IntPtr conf);

    /// <returns>rd_kafka_conf_res_t: 0 is RD_KAFKA_CONF_OK.</returns>
    [LibraryImport(LibraryName, StringMarshalling = StringMarshalling.Utf8)]
    internal static unsafe partial int rd_kafka_conf_set(IntPtr conf, string name, string value, byte* errstr, nuint errstrSize);

    [LibraryImport(LibraryName)]
    internal static unsafe partial IntPtr rd_kafka_new(int type, IntPtr conf, byte* errstr, nuint errstrSize);

    [LibraryImport(LibraryName)]
    internal static partial void rd_kafka_destroy(IntPtr rk);

    [LibraryImport(LibraryName)]
    internal static partial IntPtr rd_kafka_err2name(ErrorCode err);

    // rdkafka_mock.h

    [LibraryImport(LibraryName)]
    internal static partial IntPtr rd_kafka_mock_cluster_new(IntPtr rk, int brokerCount);

    [LibraryImport(LibraryName)]
    internal static partial IntPtr rd_kafka_mock_cluster_bootstraps(MockClusterHandle mcluster);

    [LibraryImport(LibraryName, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial ErrorCode rd_kafka_mock_topic_create(MockClusterHandle mcluster, string topic, int partitionCount, int replicationFactor);

    [LibraryImport(LibraryName)]
    internal static partial ErrorCode rd_kafka_mock_broker_set_down(MockClusterHandle mcluster, int brokerId);

    [LibraryImport(LibraryName)]
    internal static partial ErrorCode rd_kafka_mock_broker_set_up(MockClusterHandle mcluster, int brokerId);

    [LibraryImport(LibraryName)]
    internal static partial ErrorCode rd_kafka_mock_broker_set_rtt(MockClusterHandle mcluster, int brokerId, int rttMs);

    /// <summary>Declared variadic in C (<c>cnt</c> pairs of error and round-trip time follow); called here with one
    /// pair, whose two ints travel in registers exactly as fixed arguments would on the x64 and arm64 Unix ABIs.</summary>
    [LibraryImport(LibraryName)]
    internal static partial ErrorCode rd_kafka_mock_broker_push_request_error_rtts(MockClusterHandle mcluster, int brokerId, short apiKey, nuint count, ErrorCode error, int rttMs);

    [LibraryImport(LibraryName)]
    internal static partial ErrorCode rd_kafka_mock_broker_error_stack_cnt(MockClusterHandle mcluster, int brokerId, short apiKey, out nuint count);

    [LibraryImport(LibraryName, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial ErrorCode rd_kafka_mock_partition_set_leader(MockClusterHandle mcluster, string topic, int partition, int brokerId);

    [LibraryImport(LibraryName, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial ErrorCode rd_kafka_mock_partition_delete_records(MockClusterHandle mcluster, string topic, int partition, long beforeOffset);

    [LibraryImport(LibraryName)]
    internal static partial void rd_kafka_mock_set_controller_id(MockClusterHandle mcluster, int controllerId);

    [LibraryImport(LibraryName)]
    internal static partial void rd_kafka_mock_group_initial_rebalance_delay_ms(MockClusterHandle mcluster, int delayMs);

    [LibraryImport(LibraryName)]
    internal static partial void rd_kafka_mock_cluster_destroy(IntPtr mcluster);

    internal static string ErrorName(ErrorCode error) =>
        Marshal.PtrToStringUTF8(rd_kafka_err2name(error)) ?? error.ToString();
}

/// <summary>
/// Owns a mock cluster and the rd_kafka_t it was created on, so that both are released together,
/// in the right order, exactly once, and never while a native call is still using them.
/// </summary>
internal sealed class MockClusterHandle : SafeHandle
{
    private readonly IntPtr _client;

    // For the marshaller, which never creates one here, but requires the constructor.
    public MockClusterHandle() : base(IntPtr.Zero, ownsHandle: true)
    {
    }

    internal MockClusterHandle(IntPtr client, IntPtr cluster) : base(IntPtr.Zero, ownsHandle: true)
    {
        _client = client;
        SetHandle(cluster);
    }

    public override bool IsInvalid => handle == IntPtr.Zero;

    protected override bool ReleaseHandle()
    {
        // The cluster keeps using the handle it was created on (logging, configuration, book keeping),
        // so the handle has to go last.
        LibrdkafkaNative.rd_kafka_mock_cluster_destroy(handle);
        if (_client != IntPtr.Zero)
        {
            LibrdkafkaNative.rd_kafka_destroy(_client);
        }

        return true;
    }
}
