using System.Text.RegularExpressions;

namespace ConcertBooking.Api.Tests.Deployment;

/// <summary>
/// What can be checked of the deployment files without a Docker engine (none runs here or in CI): every compose file
/// parses, what each service runs exists, every variable given to the application is a setting it reads, the Kafka
/// cluster is well-formed, and no two services publish the same port. .ci/run also has Compose itself validate the
/// files when it can install it. docs/deploy.md says what has not been run.
/// </summary>
public sealed partial class DeploymentFileTests
{
    private static readonly string Root = FindRoot();
    private static readonly string Deploy = Path.Combine(Root, "deploy");

    /// <summary>Each file is a stack of its own, except the TLS variant, which is laid over the full stack.</summary>
    public static TheoryData<string> Stacks => ["docker-compose.yaml", "docker-compose.kafka.yaml"];

    public static TheoryData<string> Files => ["docker-compose.yaml", "docker-compose.kafka.yaml", "docker-compose.tls.yaml"];

    [Theory]
    [MemberData(nameof(Files))]
    public void Every_service_runs_an_image_that_exists_or_is_built_here(string file)
    {
        var compose = ComposeFile.Load(Path.Combine(Deploy, file));
        var overlay = file == "docker-compose.tls.yaml";
        Assert.NotEmpty(compose.Services);
        foreach (var service in compose.Services.Values.Where(_ => !overlay))
        {
            if (service.Build is var (context, dockerfile))
            {
                Assert.True(File.Exists(Path.Combine(Deploy, context, dockerfile)), $"{service.Name}: no {dockerfile} in {context}");
            }
            else
            {
                // A pinned tag: a stack that starts today must start the same way tomorrow.
                Assert.Matches(PinnedImage(), service.Image ?? $"{service.Name} has neither image nor build");
                Assert.DoesNotContain(":latest", service.Image, StringComparison.Ordinal);
            }
        }
    }

    [Theory]
    [MemberData(nameof(Files))]
    public void Every_variable_given_to_the_application_is_a_setting_it_reads(string file)
    {
        var compose = ComposeFile.Load(Path.Combine(Deploy, file));
        var app = AppServices(compose, file);
        foreach (var service in app)
        {
            Assert.All(service.Environment.Keys, name => Assert.Null(AppSettings.Check(name)));
            foreach (var role in service.Env("ROLES").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                Assert.True(AppSettings.Roles.Contains(role), $"{service.Name}: no role {role} (known: {string.Join(", ", AppSettings.Roles)})");
            }
        }
    }

    [Theory]
    [InlineData("Kafka__BootstrapServers", true)]
    [InlineData("Kafka__Producer__LingerMs", true)]
    [InlineData("Kafka__Topics__Partitions", true)]
    [InlineData("Auth__AdminEmails__0", true)]
    [InlineData("ConnectionStrings__Rankings", true)]
    [InlineData("Booking__HoldDuration", true)]
    [InlineData("Logging__LogLevel__Default", true)]
    [InlineData("URLS", true)]
    [InlineData("Kafka__BootstrapServer", false)]
    [InlineData("Kafka__Producer__Lingering", false)]
    [InlineData("Kafka__Topics", false)]
    [InlineData("Auth__AdminEmails__first", false)]
    [InlineData("ConnectionStrings__Ranking", false)]
    [InlineData("Booking__Hold", false)]
    [InlineData("Bookings__HoldDuration", false)]
    public void A_variable_is_a_setting_only_when_the_application_reads_it(string name, bool real) =>
        Assert.Equal(real, AppSettings.Check(name) is null);

    [Fact]
    public void The_full_stack_runs_every_role_with_the_api_and_the_notification_group_twice()
    {
        var services = ComposeFile.Load(Path.Combine(Deploy, "docker-compose.yaml")).Services.Values;
        var roles = AppServices(services).ToDictionary(s => s.Env("ROLES"), s => s.Name);

        Assert.Equal(["api", "data-platform", "notification", "ranking", "relay"], roles.Keys.Order());
        var raw = File.ReadAllText(Path.Combine(Deploy, "docker-compose.yaml"));
        Assert.Matches(@"\n  api:\n    <<: \*app\n    deploy: \{ replicas: 2 \}", raw);
        Assert.Matches(@"\n  notification:\n    <<: \*app\n(.*\n)*?    deploy: \{ replicas: 2 \}", raw);
        Assert.Contains(services, s => s.Image?.StartsWith("postgres:", StringComparison.Ordinal) == true);
        Assert.Contains(services, s => s.Image?.StartsWith("prom/prometheus:", StringComparison.Ordinal) == true);
        Assert.Contains(services, s => s.Image?.StartsWith("provectuslabs/kafka-ui:", StringComparison.Ordinal) == true);
    }

    [Fact]
    public void The_image_sets_only_real_settings_and_builds_from_everything_the_build_reads()
    {
        var dockerfile = File.ReadAllText(Path.Combine(Root, "Dockerfile"));
        var env = EnvInstruction().Match(dockerfile);
        Assert.True(env.Success, "the Dockerfile has no ENV instruction");
        foreach (Match setting in EnvSetting().Matches(env.Value))
        {
            Assert.Null(AppSettings.Check(setting.Groups[1].Value));
        }

        // What the build reads besides src/: every file at the root that MSBuild or the SDK picks up.
        var buildFiles = new[] { "global.json", "Directory.Build.props", "Directory.Packages.props", ".editorconfig" }
            .Where(f => File.Exists(Path.Combine(Root, f)));
        Assert.All(buildFiles, f => Assert.Matches($@"\nCOPY [^\n]*(?<= ){Regex.Escape(f)} ", dockerfile));
        Assert.Contains("\nCOPY src/ src/\n", dockerfile, StringComparison.Ordinal);
        Assert.Contains("dotnet publish src/ConcertBooking.Api/ConcertBooking.Api.csproj", dockerfile, StringComparison.Ordinal);
        Assert.Matches(@"\nUSER \$APP_UID\n", dockerfile);
        Assert.Contains("\nHEALTHCHECK ", dockerfile, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Stacks))]
    public void The_Kafka_cluster_has_a_valid_id_a_quorum_of_its_brokers_and_its_data_on_volumes(string file)
    {
        var compose = ComposeFile.Load(Path.Combine(Deploy, file));
        var brokers = compose.Services.Values.Where(s => s.Environment.ContainsKey("KAFKA_NODE_ID")).ToList();
        Assert.Equal(3, brokers.Count);

        var clusterIds = brokers.Select(b => b.Env("CLUSTER_ID")).Distinct().ToList();
        var clusterId = Assert.Single(clusterIds);
        Assert.Equal(16, Base64Url(clusterId).Length);

        var voters = brokers.Select(b => b.Env("KAFKA_CONTROLLER_QUORUM_VOTERS")).Distinct().Single();
        Assert.Equal(
            brokers.Select(b => $"{b.Env("KAFKA_NODE_ID")}@{b.Hostname}:9093").Order(),
            voters.Split(',').Order());
        foreach (var broker in brokers)
        {
            var logDirs = broker.Env("KAFKA_LOG_DIRS");
            Assert.Contains(broker.Volumes, v => v.Target == logDirs && compose.Volumes.Contains(v.Source));
        }
    }

    [Theory]
    [MemberData(nameof(Stacks))]
    public void Ports_do_not_collide_and_every_reference_names_something_that_exists(string file)
    {
        var stack = new List<ComposeFile> { ComposeFile.Load(Path.Combine(Deploy, file)) };
        if (file == "docker-compose.yaml")
        {
            stack.Add(ComposeFile.Load(Path.Combine(Deploy, "docker-compose.tls.yaml")));
        }

        var services = stack[0].Services;
        var ports = services.Values.SelectMany(s => s.HostPorts.Select(p => (Port: p, s.Name))).ToList();
        Assert.All(ports.GroupBy(p => p.Port), g => Assert.True(g.Count() == 1, $"port {g.Key} is published by {string.Join(" and ", g.Select(p => p.Name))}"));
        foreach (var service in stack.SelectMany(f => f.Services.Values))
        {
            Assert.True(services.ContainsKey(service.Name), $"{service.Name} is not a service of {file}");
            Assert.All(service.DependsOn, d => Assert.True(services.ContainsKey(d), $"{service.Name} depends on {d}, which is no service"));
            foreach (var (source, _) in service.Volumes)
            {
                var bind = source.StartsWith('.') || source.StartsWith('/');
                Assert.True(bind ? File.Exists(Path.Combine(Deploy, source)) || Generated(source) : stack[0].Volumes.Contains(source),
                    $"{service.Name} mounts {source}, which does not exist");
            }
        }
    }

    [Fact]
    public void Prometheus_and_the_load_balancer_name_services_of_the_stack()
    {
        var services = ComposeFile.Load(Path.Combine(Deploy, "docker-compose.yaml")).Services;
        var prometheus = File.ReadAllText(Path.Combine(Deploy, "prometheus", "prometheus.yml"));
        var scraped = PrometheusNames().Match(prometheus).Groups[1].Value.Split(',', StringSplitOptions.TrimEntries);

        Assert.Equal(AppServices(services.Values).Select(s => s.Name).Order(), scraped.Order());
        Assert.Contains("http://api:8080", File.ReadAllText(Path.Combine(Deploy, "nginx", "nginx.conf")), StringComparison.Ordinal);
        Assert.Contains("8080", services["lb"].HostPorts.Select(p => p.ToString(System.Globalization.CultureInfo.InvariantCulture)));
    }

    /// <summary>deploy/tls/make-certs.sh writes the TLS material into deploy/tls/out, which is not committed.</summary>
    private static bool Generated(string source) =>
        source == "./tls/out" && File.Exists(Path.Combine(Deploy, "tls", "make-certs.sh"));

    private static IEnumerable<ComposeService> AppServices(ComposeFile compose, string file) =>
        file == "docker-compose.tls.yaml"
            ? compose.Services.Values.Where(s => s.Environment.Keys.Any(k => k.StartsWith("Kafka__", StringComparison.Ordinal)))
            : compose.Services.Values.Where(s => s.Build is (_, "Dockerfile"));

    /// <summary>The application's long-running containers: built from the Dockerfile, with roles (the one-shot
    /// <c>migrate</c> has none).</summary>
    private static IEnumerable<ComposeService> AppServices(IEnumerable<ComposeService> services) =>
        services.Where(s => s.Build is (_, "Dockerfile") && s.Environment.ContainsKey("ROLES"));

    private static byte[] Base64Url(string value) =>
        Convert.FromBase64String(value.Replace('-', '+').Replace('_', '/') + new string('=', (4 - value.Length % 4) % 4));

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "ConcertBooking.slnx")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("The repository root (ConcertBooking.slnx) is not above the test's directory.");
    }

    [GeneratedRegex(@"^[a-z0-9./-]+:[A-Za-z0-9._-]+$")]
    private static partial Regex PinnedImage();

    [GeneratedRegex(@"\nENV (?:[^\n]*\\\n)*[^\n]*\n")]
    private static partial Regex EnvInstruction();

    [GeneratedRegex(@"([A-Za-z_][A-Za-z0-9_]*)=")]
    private static partial Regex EnvSetting();

    [GeneratedRegex(@"names: \[([^\]]+)\]")]
    private static partial Regex PrometheusNames();
}
