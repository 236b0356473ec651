using System.Net;
using System.Net.Sockets;

namespace Bpdp.DataPlane;

/// <summary>A port nothing listens on at the moment it is asked for.</summary>
public static class FreePort
{
    public static int On(string address)
    {
        using var listener = new TcpListener(IPAddress.Parse(address), 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
