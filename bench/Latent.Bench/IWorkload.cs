namespace Latent.Bench;

/// <summary>A named whole-workload benchmark that measures Latent beside a baseline in the same run.</summary>
public interface IWorkload
{
    /// <summary>The name used on the command line (`dotnet run --project bench/Latent.Bench -c Release -- NAME`).</summary>
    string Name { get; }

    /// <summary>One line saying what is measured and against which baseline.</summary>
    string Description { get; }

    /// <summary>Runs the workload and prints its figures next to the baseline's.</summary>
    void Run(string[] args);
}
