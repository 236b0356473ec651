using System.Net;
using System.Net.Sockets;

namespace Bpdp.IntegrationTests.Servers;

public static class FreeTcpPort
{
    public static int Next()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
