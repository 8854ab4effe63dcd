using System.Text.Json;
using Monitoring.Client;
using Monitoring.Metrics;
using Monitoring.Protocol;

namespace Monitoring.Core.Tests.Client;

public sealed class ReusableJsonBodyTests
{
    [Fact]
    public async Task EachBody_IsExactlyItsValue_EvenAfterALongerOne()
    {
        var type = MonitoringJsonContext.Default.ListMetricSnapshot;
        List<MetricSnapshot> two = [new() { Seq = 1, Disks = [new() { Mount = "/a-long-mount-point" }] }, new() { Seq = 2 }];
        List<MetricSnapshot> one = [new() { Seq = 3 }];
        var body = new ReusableJsonBody();
        Assert.True(body.TryAcquire());
        var first = await body.Content(two, type).ReadAsByteArrayAsync();
        var second = body.Content(one, type);
        body.Release();

        Assert.Equal(JsonSerializer.SerializeToUtf8Bytes(two, type), first);
        Assert.Equal(JsonSerializer.SerializeToUtf8Bytes(one, type), await second.ReadAsByteArrayAsync());
        Assert.Equal("application/json", second.Headers.ContentType!.MediaType);
    }

    [Fact]
    public void OneHolderAtATime()
    {
        var body = new ReusableJsonBody();

        Assert.True(body.TryAcquire());
        Assert.False(body.TryAcquire());
        body.Release();
        Assert.True(body.TryAcquire());
    }
}
