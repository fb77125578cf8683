using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Latent.Text;

/// <summary>
/// A word2vec output matrix (syn1neg or syn1) as one training thread sees it: the shared padded rows, except a block of the rows that every
/// thread updates most often (the most frequent words' rows, or the inner nodes nearest the Huffman root), of which the thread keeps private
/// copies and adds its change to the shared rows at each <see cref="Publish"/>. Hogwild threads writing the same rows make their cache lines
/// travel between cores on every update: on a 2-core AMD EPYC VM two threads of skip-gram with hierarchical softmax took 17.2 s on Brown
/// against 7.1 s for one thread, and 4.7 s with a private copy of the whole matrix per thread (which trains a different model).
/// </summary>
public sealed class OutputRows
{
    private readonly int first, count, stride;
    private readonly float[] local, published;

    /// <summary>All rows shared: what one thread (or a loss evaluation) uses.</summary>
    public OutputRows(float[] shared, int stride) : this(shared, stride, 0, 0)
    {
    }

    /// <summary>Rows [<paramref name="first"/>, <paramref name="first"/> + <paramref name="count"/>) private to the thread, the others shared.</summary>
    public OutputRows(float[] shared, int stride, int first, int count)
    {
        if (first < 0 || count < 0 || (long)(first + count) * stride > shared.Length)
            throw new ArgumentOutOfRangeException(nameof(count), $"private rows [{first}, {first + count}) outside a matrix of {shared.Length / stride} rows");
        (Shared, this.stride, this.first, this.count) = (shared, stride, first, count);
        local = shared.AsSpan(first * stride, count * stride).ToArray();
        published = (float[])local.Clone();
    }

    /// <summary>The matrix all threads share.</summary>
    public float[] Shared { get; }

    /// <summary>The array holding <paramref name="row"/> as this thread sees it, and the row's offset in it.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public float[] Row(int row, out int offset)
    {
        uint k = (uint)(row - first);
        if (k < (uint)count)
        {
            offset = (int)k * stride;
            return local;
        }
        offset = row * stride;
        return Shared;
    }

    /// <summary>
    /// Adds what this thread changed in its private rows since the last publication to the shared rows, and takes the shared rows (with
    /// the other threads' published changes) as its new private copies. Publications are serialised so that no thread's change is lost.
    /// </summary>
    public void Publish()
    {
        if (count == 0) return;
        lock (Shared)
        {
            ref float s = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(Shared), first * stride);
            ref float l = ref MemoryMarshal.GetArrayDataReference(local);
            ref float p = ref MemoryMarshal.GetArrayDataReference(published);
            int length = count * stride, width = Vector<float>.Count;
            for (int i = 0; i < length; i += width)
            {
                var sum = Vector.LoadUnsafe(ref s, (nuint)i) + (Vector.LoadUnsafe(ref l, (nuint)i) - Vector.LoadUnsafe(ref p, (nuint)i));
                sum.StoreUnsafe(ref s, (nuint)i);
                sum.StoreUnsafe(ref l, (nuint)i);
                sum.StoreUnsafe(ref p, (nuint)i);
            }
        }
    }
}
