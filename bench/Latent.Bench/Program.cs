using System.Reflection;
using Latent;
using Latent.Bench;

var workloads = Assembly.GetExecutingAssembly().GetTypes()
    .Where(t => typeof(IWorkload).IsAssignableFrom(t) && t is { IsInterface: false, IsAbstract: false })
    .Select(t => (IWorkload)Activator.CreateInstance(t)!)
    .OrderBy(w => w.Name)
    .ToList();

if (args.Length == 0 || args[0] is "-h" or "--help")
{
    Console.WriteLine("usage: dotnet run --project bench/Latent.Bench -c Release -- WORKLOAD [options]");
    foreach (var w in workloads) Console.WriteLine($"  {w.Name,-24} {w.Description}");
    return 0;
}

var workload = workloads.FirstOrDefault(w => w.Name == args[0]);
if (workload is null)
{
    Console.Error.WriteLine($"error: unknown workload '{args[0]}'; known: {string.Join(", ", workloads.Select(w => w.Name))}");
    return 2;
}

try
{
    Console.WriteLine(LatentRuntime.Initialize());
    workload.Run(args[1..]);
    return 0;
}
catch (LatentException e)
{
    Console.Error.WriteLine($"error: {e.Message}");
    return 1;
}
