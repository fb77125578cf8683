using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Latent.Text;

/// <summary>
/// SIMD dot product and axpy over rows of flat float matrices whose row stride is a multiple of <see cref="Width"/>: 512-bit vectors
/// where the CPU runs them (AVX-512), otherwise <see cref="Vector{T}"/>.
/// </summary>
public static class VectorMath
{
    /// <summary>Floats per SIMD vector on this CPU.</summary>
    public static int Width => Vector512.IsHardwareAccelerated ? Vector512<float>.Count : Vector<float>.Count;

    /// <summary>Rounds <paramref name="dimensions"/> up to a whole number of SIMD vectors, the row stride of padded matrices.</summary>
    public static int PaddedStride(int dimensions) => (dimensions + Width - 1) / Width * Width;

    /// <summary>Σ a[aOffset + i] · b[bOffset + i] over one padded row of <paramref name="stride"/> floats.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Dot(float[] a, int aOffset, float[] b, int bOffset, int stride)
    {
        Check(a, aOffset, stride);
        Check(b, bOffset, stride);
        ref float ra = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(a), aOffset);
        ref float rb = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(b), bOffset);
        if (Vector512.IsHardwareAccelerated)
        {
            var sum0 = Vector512<float>.Zero;
            var sum1 = Vector512<float>.Zero;
            int i = 0;
            for (; i + 32 <= stride; i += 32)
            {
                sum0 = Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref ra, (nuint)i), Vector512.LoadUnsafe(ref rb, (nuint)i), sum0);
                sum1 = Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref ra, (nuint)(i + 16)), Vector512.LoadUnsafe(ref rb, (nuint)(i + 16)), sum1);
            }
            if (i < stride) sum0 = Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref ra, (nuint)i), Vector512.LoadUnsafe(ref rb, (nuint)i), sum0);
            return Vector512.Sum(sum0 + sum1);
        }
        var s0 = Vector<float>.Zero;
        var s1 = Vector<float>.Zero;
        int width = Vector<float>.Count, j = 0;
        for (; j + 2 * width <= stride; j += 2 * width)
        {
            s0 = Vector.FusedMultiplyAdd(Vector.LoadUnsafe(ref ra, (nuint)j), Vector.LoadUnsafe(ref rb, (nuint)j), s0);
            s1 = Vector.FusedMultiplyAdd(Vector.LoadUnsafe(ref ra, (nuint)(j + width)), Vector.LoadUnsafe(ref rb, (nuint)(j + width)), s1);
        }
        for (; j < stride; j += width) s0 = Vector.FusedMultiplyAdd(Vector.LoadUnsafe(ref ra, (nuint)j), Vector.LoadUnsafe(ref rb, (nuint)j), s0);
        return Vector.Sum(s0 + s1);
    }

    /// <summary>
    /// Σ a[aOffset + i] · b[bOffset + i] for i &lt; <paramref name="length"/> (any length), in double precision: each product of two
    /// floats is exact in a double, and the sum is kept in four double lanes.
    /// </summary>
    public static double DotDouble(float[] a, int aOffset, float[] b, int bOffset, int length)
    {
        var x = a.AsSpan(aOffset, length);
        var y = b.AsSpan(bOffset, length);
        var sum = Vector256<double>.Zero;
        int i = 0;
        for (; i + Vector256<float>.Count <= length; i += Vector256<float>.Count)
        {
            var (xLow, xHigh) = Vector256.Widen(Vector256.Create(x.Slice(i, Vector256<float>.Count)));
            var (yLow, yHigh) = Vector256.Widen(Vector256.Create(y.Slice(i, Vector256<float>.Count)));
            sum += xLow * yLow + xHigh * yHigh;
        }
        double total = Vector256.Sum(sum);
        for (; i < length; i++) total += (double)x[i] * y[i];
        return total;
    }

    /// <summary>y[yOffset + i] += alpha · x[xOffset + i] over one padded row of <paramref name="stride"/> floats.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Axpy(float alpha, float[] x, int xOffset, float[] y, int yOffset, int stride)
    {
        Check(x, xOffset, stride);
        Check(y, yOffset, stride);
        ref float rx = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(x), xOffset);
        ref float ry = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(y), yOffset);
        if (Vector512.IsHardwareAccelerated)
        {
            var a512 = Vector512.Create(alpha);
            for (int i = 0; i < stride; i += 16)
                Vector512.StoreUnsafe(Vector512.FusedMultiplyAdd(a512, Vector512.LoadUnsafe(ref rx, (nuint)i), Vector512.LoadUnsafe(ref ry, (nuint)i)), ref ry, (nuint)i);
            return;
        }
        var a = new Vector<float>(alpha);
        for (int i = 0; i < stride; i += Vector<float>.Count)
            Vector.StoreUnsafe(Vector.FusedMultiplyAdd(a, Vector.LoadUnsafe(ref rx, (nuint)i), Vector.LoadUnsafe(ref ry, (nuint)i)), ref ry, (nuint)i);
    }

    /// <summary>x[i] *= alpha over the first padded row of <paramref name="x"/> (<paramref name="stride"/> floats).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Scale(float alpha, float[] x, int stride)
    {
        Check(x, 0, stride);
        ref float rx = ref MemoryMarshal.GetArrayDataReference(x);
        if (Vector512.IsHardwareAccelerated)
        {
            var a512 = Vector512.Create(alpha);
            for (int i = 0; i < stride; i += 16) Vector512.StoreUnsafe(a512 * Vector512.LoadUnsafe(ref rx, (nuint)i), ref rx, (nuint)i);
            return;
        }
        var a = new Vector<float>(alpha);
        for (int i = 0; i < stride; i += Vector<float>.Count) Vector.StoreUnsafe(a * Vector.LoadUnsafe(ref rx, (nuint)i), ref rx, (nuint)i);
    }

    /// <summary>
    /// Both halves of one skip-gram target's update in a single pass over the rows: g[i] += alpha · u[i] with the old u, then
    /// u[i] += alpha · v[i]; the same arithmetic as <see cref="Axpy"/> into g followed by <see cref="Axpy"/> into u.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void AccumulateAndUpdate(float alpha, float[] v, int vOffset, float[] u, int uOffset, float[] g, int stride)
    {
        Check(v, vOffset, stride);
        Check(u, uOffset, stride);
        Check(g, 0, stride);
        ref float rv = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(v), vOffset);
        ref float ru = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(u), uOffset);
        ref float rg = ref MemoryMarshal.GetArrayDataReference(g);
        if (Vector512.IsHardwareAccelerated)
        {
            var a512 = Vector512.Create(alpha);
            for (int i = 0; i < stride; i += 16)
            {
                var old = Vector512.LoadUnsafe(ref ru, (nuint)i);
                Vector512.StoreUnsafe(Vector512.FusedMultiplyAdd(a512, old, Vector512.LoadUnsafe(ref rg, (nuint)i)), ref rg, (nuint)i);
                Vector512.StoreUnsafe(Vector512.FusedMultiplyAdd(a512, Vector512.LoadUnsafe(ref rv, (nuint)i), old), ref ru, (nuint)i);
            }
            return;
        }
        var a = new Vector<float>(alpha);
        for (int i = 0; i < stride; i += Vector<float>.Count)
        {
            var old = Vector.LoadUnsafe(ref ru, (nuint)i);
            Vector.StoreUnsafe(Vector.FusedMultiplyAdd(a, old, Vector.LoadUnsafe(ref rg, (nuint)i)), ref rg, (nuint)i);
            Vector.StoreUnsafe(Vector.FusedMultiplyAdd(a, Vector.LoadUnsafe(ref rv, (nuint)i), old), ref ru, (nuint)i);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Check(float[] array, int offset, int stride)
    {
        if ((uint)offset > (uint)array.Length || (uint)stride > (uint)(array.Length - offset)) Throw();
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void Throw() => throw new IndexOutOfRangeException();
}
