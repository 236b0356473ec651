using System.Diagnostics;
using System.Globalization;

namespace Bpdp.Bench.Scale;

/// <summary>
/// Samples processes' resident memory and CPU time from <c>/proc</c> twice a second while a load runs. Each
/// named group is some stage processes; a group may also take in everything those processes started (the
/// Rollout's data planes and executors), alive or already reaped.
/// </summary>
internal sealed class ProcessMeter : IAsyncDisposable
{
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(500);
    private static readonly double TicksPerSecond = ClockTicks();
    private readonly IReadOnlyList<Group> groups;
    private readonly CancellationTokenSource stop = new();
    private readonly Task sampling;

    public ProcessMeter(IReadOnlyList<Group> groups)
    {
        this.groups = groups;
        foreach (var group in groups)
        {
            group.Start(Read(group));
        }

        sampling = Sample();
    }

    /// <summary>One line of the report: <paramref name="Name"/>, its processes, and whether their descendants count instead of them.</summary>
    internal sealed class Group(string name, IReadOnlyList<int> processIds, bool descendants)
    {
        private double firstCpu;
        private double lastCpu;
        private long lastAt;

        public string Name => name;

        public IReadOnlyList<int> ProcessIds => processIds;

        public bool Descendants => descendants;

        public double PeakMegabytes { get; private set; }

        public double PeakCores { get; private set; }

        public double CpuSeconds => lastCpu - firstCpu;

        internal void Start((double Cpu, double Megabytes) reading)
        {
            firstCpu = lastCpu = reading.Cpu;
            PeakMegabytes = reading.Megabytes;
            lastAt = Stopwatch.GetTimestamp();
        }

        internal void Add((double Cpu, double Megabytes) reading)
        {
            var now = Stopwatch.GetTimestamp();
            var seconds = Stopwatch.GetElapsedTime(lastAt, now).TotalSeconds;
            if (seconds > 0)
            {
                PeakCores = Math.Max(PeakCores, (reading.Cpu - lastCpu) / seconds);
            }

            PeakMegabytes = Math.Max(PeakMegabytes, reading.Megabytes);
            lastCpu = Math.Max(lastCpu, reading.Cpu);
            lastAt = now;
        }
    }

    private async Task Sample()
    {
        using var timer = new PeriodicTimer(Interval);
        try
        {
            while (await timer.WaitForNextTickAsync(stop.Token))
            {
                Take();
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
        }
    }

    private void Take()
    {
        foreach (var group in groups)
        {
            group.Add(Read(group));
        }
    }

    /// <summary>CPU seconds and resident megabytes of a group now. A descendant's CPU, once reaped, is in its parent's children's time.</summary>
    private static (double Cpu, double Megabytes) Read(Group group)
    {
        if (!group.Descendants)
        {
            var own = group.ProcessIds.Select(Stat).OfType<ProcStat>().ToList();
            return (own.Sum(s => s.OwnTicks) / TicksPerSecond, own.Sum(s => s.ResidentMegabytes));
        }

        var all = Directory.EnumerateDirectories("/proc").Select(d => Path.GetFileName(d)).Where(n => n.All(char.IsAsciiDigit))
            .Select(n => Stat(int.Parse(n, CultureInfo.InvariantCulture))).OfType<ProcStat>().ToList();
        var byParent = all.ToLookup(s => s.ParentId);
        var parents = group.ProcessIds.Select(Stat).OfType<ProcStat>().ToList();
        var below = new List<ProcStat>();
        var next = new Queue<int>(group.ProcessIds);
        while (next.TryDequeue(out var id))
        {
            foreach (var child in byParent[id])
            {
                below.Add(child);
                next.Enqueue(child.Id);
            }
        }

        return ((parents.Sum(p => p.ChildrenTicks) + below.Sum(s => s.OwnTicks + s.ChildrenTicks)) / TicksPerSecond, below.Sum(s => s.ResidentMegabytes));
    }

    /// <summary>Every process's id by its command name (<c>/proc/&lt;id&gt;/comm</c>), with its parent's id.</summary>
    public static ILookup<string, (int Id, int ParentId)> ProcessesByName() =>
        Directory.EnumerateDirectories("/proc").Select(d => Path.GetFileName(d)).Where(n => n.All(char.IsAsciiDigit)).Select(n => int.Parse(n, CultureInfo.InvariantCulture))
            .Select(id => (Id: id, Name: ReadName(id), Stat: Stat(id))).Where(p => p.Name is not null && p.Stat is not null)
            .ToLookup(p => p.Name!, p => (p.Id, p.Stat!.ParentId), StringComparer.Ordinal);

    private static string? ReadName(int id)
    {
        try
        {
            return File.ReadAllText($"/proc/{id}/comm").Trim();
        }
        catch (IOException)
        {
            return null;
        }
    }

    private sealed record ProcStat(int Id, int ParentId, long OwnTicks, long ChildrenTicks, double ResidentMegabytes);

    private static ProcStat? Stat(int id)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{id}/stat");
            // The command name is in parentheses and may hold spaces: the fields are counted from its end.
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            long Field(int number) => long.Parse(fields[number - 3], CultureInfo.InvariantCulture);
            return new ProcStat(id, (int)Field(4), Field(14) + Field(15), Field(16) + Field(17), Field(24) * Environment.SystemPageSize / 1048576.0);
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException)
        {
            return null;
        }
    }

    private static double ClockTicks()
    {
        using var getconf = Process.Start(new ProcessStartInfo("getconf", "CLK_TCK") { RedirectStandardOutput = true })!;
        var output = getconf.StandardOutput.ReadToEnd();
        getconf.WaitForExit();
        return double.TryParse(output.Trim(), CultureInfo.InvariantCulture, out var ticks) && ticks > 0 ? ticks : 100;
    }

    /// <summary>Stops sampling after one last sample.</summary>
    public async ValueTask DisposeAsync()
    {
        await stop.CancelAsync();
        await sampling;
        Take();
        stop.Dispose();
    }
}
