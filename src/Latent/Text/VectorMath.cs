using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Latent.Text;

/// <summary>SIMD dot product and axpy over rows of flat float matrices whose row stride is a multiple of <see cref="Vector{T}.Count"/>.</summary>
public static class VectorMath
{
    /// <summary>Rounds <paramref name="dimensions"/> up to a whole number of SIMD vectors, the row stride of padded matrices.</summary>
    public static int PaddedStride(int dimensions) => (dimensions + Vector<float>.Count - 1) / Vector<float>.Count * Vector<float>.Count;

    /// <summary>Σ a[aOffset + i] · b[bOffset + i] over one padded row of <paramref name="stride"/> floats.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Dot(float[] a, int aOffset, float[] b, int bOffset, int stride)
    {
        if (aOffset < 0 || bOffset < 0 || stride < 0 || aOffset + stride > a.Length || bOffset + stride > b.Length) throw new IndexOutOfRangeException();
        ref float ra = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(a), aOffset);
        ref float rb = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(b), bOffset);
        var sum0 = Vector<float>.Zero;
        var sum1 = Vector<float>.Zero;
        int width = Vector<float>.Count, i = 0;
        for (; i + 2 * width <= stride; i += 2 * width)
        {
            sum0 += Vector.LoadUnsafe(ref ra, (nuint)i) * Vector.LoadUnsafe(ref rb, (nuint)i);
            sum1 += Vector.LoadUnsafe(ref ra, (nuint)(i + width)) * Vector.LoadUnsafe(ref rb, (nuint)(i + width));
        }
        for (; i < stride; i += width) sum0 += Vector.LoadUnsafe(ref ra, (nuint)i) * Vector.LoadUnsafe(ref rb, (nuint)i);
        return Vector.Sum(sum0 + sum1);
    }

    /// <summary>y[yOffset + i] += alpha · x[xOffset + i] over one padded row of <paramref name="stride"/> floats.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Axpy(float alpha, float[] x, int xOffset, float[] y, int yOffset, int stride)
    {
        if (xOffset < 0 || yOffset < 0 || stride < 0 || xOffset + stride > x.Length || yOffset + stride > y.Length) throw new IndexOutOfRangeException();
        ref float rx = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(x), xOffset);
        ref float ry = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(y), yOffset);
        var a = new Vector<float>(alpha);
        int width = Vector<float>.Count;
        for (int i = 0; i < stride; i += width)
            Vector.StoreUnsafe(Vector.FusedMultiplyAdd(a, Vector.LoadUnsafe(ref rx, (nuint)i), Vector.LoadUnsafe(ref ry, (nuint)i)), ref ry, (nuint)i);
    }
}
