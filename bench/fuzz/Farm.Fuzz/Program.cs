using Farm.Fuzz;
using SharpFuzz;

// Farm.Fuzz <target>                 under afl-fuzz: one input per run from afl, any exception is a crash
// Farm.Fuzz <target> --replay FILE.. runs saved inputs (a crash afl found) and prints each outcome
if (args.Length < 1 || !FuzzTargets.All.TryGetValue(args[0], out var target))
{
    Console.Error.WriteLine($"usage: Farm.Fuzz <target> [--replay FILE...]; targets: {string.Join(", ", FuzzTargets.All.Keys)}");
    return 2;
}

if (args.Length > 1 && args[1] == "--replay")
{
    var failed = 0;
    foreach (var file in args.Skip(2))
    {
        try
        {
            target(File.ReadAllBytes(file));
            Console.WriteLine($"ok    {file}");
        }
        catch (Exception exception)
        {
            failed++;
            Console.WriteLine($"CRASH {file}: {exception}");
        }
    }

    return failed == 0 ? 0 : 1;
}

Fuzzer.OutOfProcess.Run(stream =>
{
    using var buffer = new MemoryStream();
    stream.CopyTo(buffer);
    target(buffer.ToArray());
});
return 0;
