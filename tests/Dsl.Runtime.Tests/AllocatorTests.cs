using Dsl.Runtime.Training;

namespace Dsl.Runtime.Tests;

public class AllocatorTests
{
    [Fact]
    public void Freed_memory_is_kept_on_linux_with_glibc_and_asking_twice_is_harmless()
    {
        // The CI machines run Debian (glibc); elsewhere the call reports that it did nothing.
        Assert.Equal(OperatingSystem.IsLinux(), Allocator.KeepFreedMemory());
        Assert.Equal(OperatingSystem.IsLinux(), Allocator.KeepFreedMemory());
    }
}
