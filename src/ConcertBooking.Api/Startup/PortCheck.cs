using System.Net;
using System.Net.Sockets;

namespace ConcertBooking.Api.Startup;

/// <summary>
/// Finds out whether the addresses the server will listen on are free before anything else starts: Kestrel binds
/// only after every hosted service has started, so a port in use would otherwise be found after migrating the
/// database, starting Kafka and seeding data.
/// </summary>
public static class PortCheck
{
    public static void EnsureFree(string? urls)
    {
        foreach (var url in (urls ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var address = BindingAddress.Parse(url);
            if (address.Port == 0 || address.IsUnixPipe)
            {
                continue;
            }

            foreach (var ip in AddressesOf(address.Host))
            {
                if (!IsFree(ip, address.Port))
                {
                    throw new StartupException(
                        $"Port {address.Port} is in use ({url}): stop whatever listens there or choose another address with --urls (setting Urls).");
                }
            }
        }
    }

    private static IEnumerable<IPAddress> AddressesOf(string host) => host switch
    {
        "localhost" => [IPAddress.Loopback],
        _ when IPAddress.TryParse(host.Trim('[', ']'), out var ip) => [ip],
        _ => [IPAddress.Any],
    };

    private static bool IsFree(IPAddress ip, int port)
    {
        using var socket = new Socket(ip.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            socket.Bind(new IPEndPoint(ip, port));
            return true;
        }
        catch (SocketException ex) when (ex.SocketErrorCode == SocketError.AddressAlreadyInUse)
        {
            return false;
        }
    }
}
