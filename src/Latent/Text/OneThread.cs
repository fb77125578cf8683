namespace Latent.Text;

/// <summary>Sets libtorch to one thread until disposed (a no-op when it has one already): the GRU's step-by-step loops run on one thread.</summary>
internal readonly struct OneThread : IDisposable
{
    private readonly int previous;

    public OneThread()
    {
        previous = get_num_threads();
        if (previous > 1) set_num_threads(1);
    }

    public void Dispose()
    {
        if (previous > 1) set_num_threads(previous);
    }
}
