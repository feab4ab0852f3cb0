using System.Collections;
using System.Collections.Immutable;
using System.Runtime.CompilerServices;

namespace GrandAmbassador.Contracts.Endpoints;

/// <summary>
/// An <see cref="ImmutableArray{T}"/> that compares element by element. <see cref="ImmutableArray{T}"/>
/// compares by reference, so a record holding one never equals its copy from the wire, and every
/// lease renewal would look like a change. With this type as the field, records keep their
/// compiler-generated <c>Equals</c>/<c>GetHashCode</c>: a field added later cannot be left out of them.
/// A default (uninitialised) value is the empty array.
/// </summary>
[GenerateSerializer, Immutable, Alias("ga.EquatableArray`1")]
[CollectionBuilder(typeof(EquatableArray), nameof(EquatableArray.Create))]
public readonly struct EquatableArray<T> : IEquatable<EquatableArray<T>>, IReadOnlyList<T>
{
    [Id(0)]
    private readonly ImmutableArray<T> _items;

    public EquatableArray(ImmutableArray<T> items) => _items = items;

    /// <summary>The items; empty (never default) for a default value.</summary>
    public ImmutableArray<T> Items => _items.IsDefault ? [] : _items;

    public int Length => Items.Length;

    int IReadOnlyCollection<T>.Count => Length;

    public bool IsDefault => _items.IsDefault;

    public bool IsDefaultOrEmpty => _items.IsDefaultOrEmpty;

    public T this[int index] => Items[index];

    public static implicit operator EquatableArray<T>(ImmutableArray<T> items) => new(items);

    public static implicit operator ImmutableArray<T>(EquatableArray<T> array) => array.Items;

    public static bool operator ==(EquatableArray<T> left, EquatableArray<T> right) => left.Equals(right);

    public static bool operator !=(EquatableArray<T> left, EquatableArray<T> right) => !left.Equals(right);

    public bool Equals(EquatableArray<T> other) => Items.AsSpan().SequenceEqual(other.Items.AsSpan(), EqualityComparer<T>.Default);

    public override bool Equals(object? obj) => obj is EquatableArray<T> other && Equals(other);

    public override int GetHashCode()
    {
        var hash = new HashCode();
        foreach (var item in Items)
        {
            hash.Add(item);
        }

        return hash.ToHashCode();
    }

    public ImmutableArray<T>.Enumerator GetEnumerator() => Items.GetEnumerator();

    IEnumerator<T> IEnumerable<T>.GetEnumerator() => ((IEnumerable<T>)Items).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => ((IEnumerable)Items).GetEnumerator();

    public override string ToString() => $"[{string.Join(", ", Items)}]";
}
