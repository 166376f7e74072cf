using FirmwareSim.Physics;
using FirmwareSim.Wire;

namespace FirmwareSim.Devices;

/// <summary>
/// One fridge or kiosk, advanced in simulated time: customers open the door and buy, the air warms
/// and the compressor pulls it back, power cuts stop the compressor, and the device reports what it
/// measures as the contract says. Deterministic for a given seed.
/// </summary>
public sealed class SimulatedDevice
{
    private readonly DeviceSpec _spec;
    private readonly Venue _venue;
    private readonly ThermalModel _air = new();
    private readonly SeqCounter _seq;
    private readonly Random _random;
    private readonly Dictionary<string, int> _stock;
    private readonly IReadOnlyList<Happening> _happenings;
    private readonly HashSet<Happening> _done = [];
    private TimeSpan _sinceReading;
    private TimeSpan _sinceCount;
    private bool _doorOpen;
    private bool _powered = true;
    private double _batteryPct = 100;
    private int _saleNumber;
    private double _doorOpenSecondsLeft;

    public SimulatedDevice(DeviceSpec spec, IReadOnlyList<Happening> happenings, string? stateDirectory, int seed)
    {
        _spec = spec;
        _venue = Venue.Named(spec.Venue);
        _happenings = happenings.Where(h => h.Device is null || h.Device == spec.Id).ToList();
        _seq = new SeqCounter(stateDirectory, spec.Id);
        _random = new Random(seed ^ spec.Id.GetHashCode(StringComparison.Ordinal));
        _stock = new Dictionary<string, int>(spec.Stock);
        _air.Reset(2.5 + _random.NextDouble() * 1.5);
        _sinceReading = TimeSpan.FromSeconds(spec.ReportingIntervalSeconds); // report at once
    }

    public DeviceSpec Spec => _spec;
    public IReadOnlyDictionary<string, int> Stock => _stock;
    public int UnitsSold { get; private set; }
    public double AirC => _air.AirC;
    /// <summary>The temperature of the last reading sent, as sent (rounded to 0.01 °C).</summary>
    public double? LastReportedTempC { get; private set; }

    /// <summary>Whether the device's network is down at this moment of the scenario.</summary>
    public bool Offline(TimeSpan elapsed) => _happenings.Any(h => h.Type == "wifi_outage" && h.Covers(_spec.Id, elapsed));

    /// <summary>Advances by <paramref name="step"/> and returns what the device publishes in it.</summary>
    public List<Outgoing> Advance(DateTimeOffset now, TimeSpan elapsed, TimeSpan step)
    {
        var output = new List<Outgoing>();
        var minutes = step.TotalMinutes;

        var powered = !_happenings.Any(h => h.Type == "power_cut" && h.Covers(_spec.Id, elapsed));
        if (powered != _powered)
        {
            _powered = powered;
            output.Add(Event(now, powered ? "power_restored" : "power_lost"));
        }
        _batteryPct = powered ? Math.Min(100, _batteryPct + minutes * 0.5) : Math.Max(0, _batteryPct - minutes * 0.4);

        foreach (var restock in _happenings.Where(h => h.Type == "restock" && elapsed >= h.At && !_done.Contains(h)).ToList())
        {
            _done.Add(restock);
            foreach (var sku in _stock.Keys.ToList()) _stock[sku] += (int)restock.Amount;
            output.Add(Event(now, "restocked", $"+{(int)restock.Amount} per SKU"));
            output.Add(StockCount(now));
            _sinceCount = TimeSpan.Zero;
        }

        // Customers arrive at random along the venue's traffic curve; each opens the door a while.
        var arrivals = Poisson(_venue.CustomersPerHour(now.ToOffset(TimeSpan.FromHours(-4))) * minutes / 60);
        for (var i = 0; i < arrivals; i++)
        {
            _doorOpenSecondsLeft = Math.Max(_doorOpenSecondsLeft, 8 + _random.NextDouble() * 25);
            Buy(now, output);
        }
        var leftOpen = _happenings.Any(h => h.Type == "door_left_open" && h.Covers(_spec.Id, elapsed));
        var doorOpen = leftOpen || _doorOpenSecondsLeft > 0;
        _doorOpenSecondsLeft = Math.Max(0, _doorOpenSecondsLeft - step.TotalSeconds);
        if (doorOpen != _doorOpen)
        {
            _doorOpen = doorOpen;
            output.Add(Event(now, doorOpen ? "door_opened" : "door_closed"));
        }

        var heat = _happenings.Where(h => h.Type == "heat_wave" && h.Covers(_spec.Id, elapsed)).Sum(h => h.Amount);
        var ambient = _venue.AmbientC(now.ToOffset(TimeSpan.FromHours(-4)), heat);
        _air.Step(minutes, ambient, doorOpen, powered);

        _sinceReading += step;
        if (_sinceReading >= TimeSpan.FromSeconds(_spec.ReportingIntervalSeconds))
        {
            _sinceReading = TimeSpan.Zero;
            var position = _spec.Lat is { } lat && _spec.Lon is { } lon ? (lat, lon) : ((double, double)?)null;
            LastReportedTempC = Math.Round(_air.AirC, 2);
            output.Add(new Outgoing(_spec.Topic("telemetry"), ContractMessages.Telemetry(_seq.Next(), now, _air.AirC, ambient, _doorOpen,
                _air.CompressorOn, _air.PowerW(powered), !powered, _batteryPct, -55 - _random.Next(30), position)));
        }
        _sinceCount += step;
        if (_sinceCount >= TimeSpan.FromMinutes(_spec.StockCountIntervalMinutes))
        {
            _sinceCount = TimeSpan.Zero;
            output.Add(StockCount(now));
        }
        return output;
    }

    /// <summary>The messages of a misbehaving device (scenario "misbehave"): each one bad in its own way.</summary>
    public List<Outgoing> Misbehave(DateTimeOffset now, string otherDeviceId)
    {
        var telemetry = _spec.Topic("telemetry");
        var good = ContractMessages.Telemetry(_seq.Next(), now, _air.AirC, 21, false, false, 12, false, 100, -60, null);
        return
        [
            new(telemetry, "{\"seq\": 1, \"tempC\": 3."u8.ToArray()),                                            // truncated JSON
            new(telemetry, System.Text.Encoding.UTF8.GetBytes($$"""{"seq": {{_seq.Next()}}, "tempC": "cold"}""")), // wrong type
            new(telemetry.Replace(_spec.Id, otherDeviceId, StringComparison.Ordinal), good),                        // another device's topic
            new(telemetry, ContractMessages.Telemetry(_seq.Next(), now.AddDays(3), _air.AirC, 21, false, false, 12, false, 100, -60, null)), // future ts
            new(telemetry, good),
            new(telemetry, good),                                                                                    // the same message again: counts once
            new(telemetry, System.Text.Encoding.UTF8.GetBytes($$"""{"seq": {{_seq.Next()}}, "tempC": 3, "pad": "{{new string('x', 20_000)}}"}""")), // huge
        ];
    }

    public bool HasMisbehaviourAt(TimeSpan previous, TimeSpan elapsed, out Happening happening) => HasAt("misbehave", previous, elapsed, out happening);

    public bool HasAt(string type, TimeSpan previous, TimeSpan elapsed, out Happening happening)
    {
        happening = _happenings.FirstOrDefault(h => h.Type == type && (h.Device is null || h.Device == _spec.Id) && h.At > previous && h.At <= elapsed)!;
        return happening is not null;
    }

    /// <summary>Valid readings as fast as a stolen credential can send them (scenario "hostile"): each counts, once.</summary>
    public IEnumerable<Outgoing> Flood(DateTimeOffset now, int count)
    {
        for (var i = 0; i < count; i++)
            yield return new(_spec.Topic("telemetry"), ContractMessages.Telemetry(_seq.Next(), now.AddMilliseconds(i), _air.AirC, 21, false, false, 12, false, 100, -60, null));
    }

    public Outgoing Status(bool online) => new(_spec.Topic("status"), System.Text.Encoding.UTF8.GetBytes(online ? "online" : "offline"), Retain: true);

    private void Buy(DateTimeOffset now, List<Outgoing> output)
    {
        var inStock = _stock.Where(s => s.Value > 0).Select(s => s.Key).OrderBy(s => s, StringComparer.Ordinal).ToList();
        if (inStock.Count == 0) return;
        var sku = inStock[_random.Next(inStock.Count)];
        var units = Math.Min(_stock[sku], 1 + _random.Next(_spec.Kind == "kiosk" ? 3 : 2));
        _stock[sku] -= units;
        UnitsSold += units;
        if (_spec.Kind != "kiosk") return; // a fridge sees its shelf fall; only kiosks ring up sales
        var seq = _seq.Next();
        output.Add(new Outgoing(_spec.Topic("sales"), ContractMessages.Sale(seq, now, $"{_spec.Id}-{++_saleNumber:D6}-{seq}",
            [(sku, units, _spec.PricesCents.GetValueOrDefault(sku, 900))], _random.Next(4) == 0 ? "cash" : "card")));
    }

    private Outgoing StockCount(DateTimeOffset now) => new(_spec.Topic("stock"), ContractMessages.Stock(_seq.Next(), now, _stock));

    private Outgoing Event(DateTimeOffset now, string type, string? detail = null) =>
        new(_spec.Topic("events"), ContractMessages.Event(_seq.Next(), now, type, detail));

    private int Poisson(double mean)
    {
        // Knuth: fine for the small means of one simulation step.
        var limit = Math.Exp(-mean);
        var product = _random.NextDouble();
        var count = 0;
        while (product > limit) { count++; product *= _random.NextDouble(); }
        return count;
    }
}
