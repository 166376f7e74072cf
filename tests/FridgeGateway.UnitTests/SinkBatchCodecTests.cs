using System.Text;
using FridgeGateway.Sinks;

namespace FridgeGateway.UnitTests;

public sealed class SinkBatchCodecTests
{
    private static readonly SinkItem[] Items =
    [
        // A reading's item: its key made from the device id and seq only when asked (here, by the record).
        new("coop/v1/fridges/fridge-t-01/telemetry", "fridge-t-01", 1, Encoding.UTF8.GetBytes("fridge_reading,device=fridge-t-01 temp_c=3.5 1")),
        new("coop/v1/kiosks/kiosk-fest-07/sales", "kiosk-fest-07:9", """{"deviceId":"kiosk-fest-07","payment":"carte à puce"}"""),
        new("coop/v1/fridges/fridge-t-01/events", "fridge-t-01:2", ""),
    ];

    [Fact]
    public void A_batch_reads_back_as_it_was_written()
    {
        var decoded = SinkBatchCodec.Decode(SinkBatchCodec.Encode(Items));

        Assert.Equal("fridge-t-01:1", decoded[0].Key);
        Assert.Equal(Items.Select(i => (i.Topic, i.Key, i.Text)), decoded.Select(i => (i.Topic, i.Key, i.Text)));
    }

    [Fact]
    public void A_record_spooled_when_bodies_were_strings_reads_back_the_same()
    {
        // The spool outlives an upgrade: records written before bodies were bytes (three strings an item) must replay.
        using var old = new MemoryStream();
        using (var writer = new BinaryWriter(old, Encoding.UTF8, leaveOpen: true))
        {
            writer.Write(Items.Length);
            foreach (var item in Items)
            {
                writer.Write(item.Topic);
                writer.Write(item.Key);
                writer.Write(item.Text);
            }
        }

        Assert.Equal(old.ToArray(), SinkBatchCodec.Encode(Items));
        Assert.Equal(Items.Select(i => (i.Topic, i.Key, i.Text)), SinkBatchCodec.Decode(old.ToArray()).Select(i => (i.Topic, i.Key, i.Text)));
    }
}
