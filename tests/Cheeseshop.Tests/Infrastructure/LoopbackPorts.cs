using System.Net;
using System.Net.Sockets;

namespace Cheeseshop.Tests.Infrastructure;

public static class LoopbackPorts
{
    /// <summary>A loopback port nothing listens on right now (the system's pick). Another process may
    /// take it before the caller binds it; callers that start servers retry on "address already in use".</summary>
    public static int Free()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
