using System;
using System.Collections.Generic;
using static TorchSharp.torch;

namespace Dsl.Runtime.Gan;

/// <summary>
/// CycleGAN's history of generated images (Shrivastava et al.'s buffer): the discriminator
/// learns from a mix of the latest fakes and older ones. Until the pool is full each image is
/// stored and returned; after that, with probability ½ a random stored image is returned and
/// the new one takes its place, otherwise the new image is returned. Size 0 returns the batch.
/// </summary>
public sealed class ImagePool : IDisposable
{
    private readonly List<Tensor> _images = new();
    private readonly Func<double> _coin;
    private readonly Func<int, int> _index;

    public ImagePool(int size, long seed = 0)
    {
        var random = new Random((int)seed);
        (Size, _coin, _index) = (size, random.NextDouble, random.Next);
    }

    /// <param name="coin">A uniform draw in [0, 1); above ½ swaps with the pool.</param>
    /// <param name="index">A stored image's index below the given count.</param>
    public ImagePool(int size, Func<double> coin, Func<int, int> index) => (Size, _coin, _index) = (size, coin, index);

    public int Size { get; }

    public int Count => _images.Count;

    /// <summary>The images [N, ...] the discriminator sees in place of <paramref name="images"/> (detached from their graph).</summary>
    public Tensor Query(Tensor images)
    {
        if (Size == 0) return images.detach();
        var returned = new List<Tensor>();
        for (var i = 0; i < images.shape[0]; i++)
        {
            var image = images[i].detach().clone().DetachFromDisposeScope();
            if (_images.Count < Size)
            {
                _images.Add(image);
                returned.Add(image.alias());
            }
            else if (_coin() > 0.5)
            {
                var at = _index(Size);
                returned.Add(_images[at]);
                _images[at] = image;
            }
            else
            {
                returned.Add(image);
            }
        }
        var batch = stack(returned);
        // Images that left the pool are done with once stacked; those still held stay alive.
        foreach (var t in returned)
        {
            if (!_images.Contains(t)) t.Dispose();
        }
        return batch;
    }

    public void Dispose()
    {
        foreach (var t in _images) t.Dispose();
        _images.Clear();
    }
}
