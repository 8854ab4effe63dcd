/*
 * A stand-in for NVIDIA's libnvidia-ml.so.1 with two made-up GPUs, for machines without an NVIDIA GPU. It exports
 * the C functions the agent looks up, with nvml.h's signatures and return codes, and checks what a real library
 * would: known device handles, buffer sizes, the nvmlMemory_v2_t version word. Tests build it with the system's C
 * compiler and let the loader find it (LD_LIBRARY_PATH) or name it in metrics.nvmlLibrary.
 *
 * GPU 0 behaves like a passively cooled data-centre card (no fan: NVML_ERROR_NOT_SUPPORTED); its v1 memory call
 * counts the driver's reserved memory as used and the v2 call does not, as real drivers do. GPU 1 is hot (86 C).
 * fake_nvml_calls(name) tells how often a function was called, so tests can check that NVML is initialised once.
 */
#include <string.h>

#define NVML_SUCCESS 0
#define NVML_ERROR_UNINITIALIZED 1
#define NVML_ERROR_INVALID_ARGUMENT 2
#define NVML_ERROR_NOT_SUPPORTED 3
#define NVML_ERROR_INSUFFICIENT_SIZE 7
#define NVML_ERROR_ARGUMENT_VERSION_MISMATCH 25
#define MEMORY_V2_VERSION (40u | (2u << 24))
#define MIB 1048576ull

typedef struct {
    const char *name, *uuid;
    unsigned util_gpu, util_mem;
    unsigned long long total, reserved, used;
    unsigned temp, power_mw, limit_mw;
    int fan; /* -1: no fan */
    unsigned clocks[3];
} fake_gpu;

static const fake_gpu gpus[2] = {
    { "NVIDIA H200", "GPU-5f2c1a9e-7b3d-4c6e-9a01-2b3c4d5e6f70", 37, 12, 143771 * MIB, 480 * MIB, 0, 34, 74512, 700000, -1, { 1980, 1980, 3201 } },
    { "NVIDIA GeForce RTX 4090", "GPU-0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d", 99, 61, 24564 * MIB, 312 * MIB, 19073 * MIB, 86, 431250, 450000, 72, { 2520, 2520, 10501 } },
};

static int initialised;
static unsigned calls_init, calls_shutdown, calls_handle, calls_name, calls_memory_v1, calls_memory_v2;

unsigned fake_nvml_calls(const char *function)
{
    if (!strcmp(function, "nvmlInit_v2")) return calls_init;
    if (!strcmp(function, "nvmlShutdown")) return calls_shutdown;
    if (!strcmp(function, "nvmlDeviceGetHandleByIndex_v2")) return calls_handle;
    if (!strcmp(function, "nvmlDeviceGetName")) return calls_name;
    if (!strcmp(function, "nvmlDeviceGetMemoryInfo")) return calls_memory_v1;
    if (!strcmp(function, "nvmlDeviceGetMemoryInfo_v2")) return calls_memory_v2;
    return 0;
}

static const fake_gpu *gpu(const void *device)
{
    if (!initialised) return 0;
    for (int i = 0; i < 2; i++)
        if (device == &gpus[i]) return &gpus[i];
    return 0;
}

static int text(const char *value, char *buffer, unsigned length)
{
    if (!buffer) return NVML_ERROR_INVALID_ARGUMENT;
    if (strlen(value) + 1 > length) return NVML_ERROR_INSUFFICIENT_SIZE;
    strcpy(buffer, value);
    return NVML_SUCCESS;
}

/* Like the real library, initialisation is counted: NVML stays up until every nvmlInit_v2 has its nvmlShutdown. */
int nvmlInit_v2(void) { calls_init++; initialised++; return NVML_SUCCESS; }
int nvmlShutdown(void)
{
    calls_shutdown++;
    if (!initialised) return NVML_ERROR_UNINITIALIZED;
    initialised--;
    return NVML_SUCCESS;
}

const char *nvmlErrorString(int result)
{
    switch (result) {
    case NVML_SUCCESS: return "Success";
    case NVML_ERROR_UNINITIALIZED: return "Uninitialized";
    case NVML_ERROR_INVALID_ARGUMENT: return "Invalid Argument";
    case NVML_ERROR_NOT_SUPPORTED: return "Not Supported";
    case NVML_ERROR_INSUFFICIENT_SIZE: return "Insufficient Size";
    case NVML_ERROR_ARGUMENT_VERSION_MISMATCH: return "Argument Version Mismatch";
    default: return "Unknown Error";
    }
}

int nvmlSystemGetDriverVersion(char *version, unsigned length)
{
    return initialised ? text("550.54.15", version, length) : NVML_ERROR_UNINITIALIZED;
}

int nvmlDeviceGetCount_v2(unsigned *count)
{
    if (!initialised) return NVML_ERROR_UNINITIALIZED;
    if (!count) return NVML_ERROR_INVALID_ARGUMENT;
    *count = 2;
    return NVML_SUCCESS;
}

int nvmlDeviceGetHandleByIndex_v2(unsigned index, const void **device)
{
    calls_handle++;
    if (!initialised) return NVML_ERROR_UNINITIALIZED;
    if (index >= 2 || !device) return NVML_ERROR_INVALID_ARGUMENT;
    *device = &gpus[index];
    return NVML_SUCCESS;
}

int nvmlDeviceGetName(const void *device, char *name, unsigned length)
{
    calls_name++;
    const fake_gpu *g = gpu(device);
    return g ? text(g->name, name, length) : NVML_ERROR_INVALID_ARGUMENT;
}

int nvmlDeviceGetUUID(const void *device, char *uuid, unsigned length)
{
    const fake_gpu *g = gpu(device);
    return g ? text(g->uuid, uuid, length) : NVML_ERROR_INVALID_ARGUMENT;
}

int nvmlDeviceGetUtilizationRates(const void *device, unsigned *rates)
{
    const fake_gpu *g = gpu(device);
    if (!g || !rates) return NVML_ERROR_INVALID_ARGUMENT;
    rates[0] = g->util_gpu;
    rates[1] = g->util_mem;
    return NVML_SUCCESS;
}

/* nvmlMemory_t: total, free, used; "used" includes what the driver reserves. */
int nvmlDeviceGetMemoryInfo(const void *device, unsigned long long *memory)
{
    calls_memory_v1++;
    const fake_gpu *g = gpu(device);
    if (!g || !memory) return NVML_ERROR_INVALID_ARGUMENT;
    memory[0] = g->total;
    memory[1] = g->total - g->reserved - g->used;
    memory[2] = g->reserved + g->used;
    return NVML_SUCCESS;
}

/* nvmlMemory_v2_t: unsigned version; (4 bytes padding) total, reserved, free, used. */
typedef struct { unsigned version; unsigned long long total, reserved, free, used; } memory_v2;

int nvmlDeviceGetMemoryInfo_v2(const void *device, memory_v2 *memory)
{
    calls_memory_v2++;
    const fake_gpu *g = gpu(device);
    if (!g || !memory) return NVML_ERROR_INVALID_ARGUMENT;
    if (memory->version != MEMORY_V2_VERSION) return NVML_ERROR_ARGUMENT_VERSION_MISMATCH;
    memory->total = g->total;
    memory->reserved = g->reserved;
    memory->used = g->used;
    memory->free = g->total - g->reserved - g->used;
    return NVML_SUCCESS;
}

int nvmlDeviceGetTemperature(const void *device, int sensor, unsigned *temp)
{
    const fake_gpu *g = gpu(device);
    if (!g || !temp || sensor != 0) return NVML_ERROR_INVALID_ARGUMENT;
    *temp = g->temp;
    return NVML_SUCCESS;
}

int nvmlDeviceGetPowerUsage(const void *device, unsigned *power)
{
    const fake_gpu *g = gpu(device);
    if (!g || !power) return NVML_ERROR_INVALID_ARGUMENT;
    *power = g->power_mw;
    return NVML_SUCCESS;
}

int nvmlDeviceGetEnforcedPowerLimit(const void *device, unsigned *limit)
{
    const fake_gpu *g = gpu(device);
    if (!g || !limit) return NVML_ERROR_INVALID_ARGUMENT;
    *limit = g->limit_mw;
    return NVML_SUCCESS;
}

int nvmlDeviceGetFanSpeed(const void *device, unsigned *speed)
{
    const fake_gpu *g = gpu(device);
    if (!g || !speed) return NVML_ERROR_INVALID_ARGUMENT;
    if (g->fan < 0) return NVML_ERROR_NOT_SUPPORTED;
    *speed = (unsigned)g->fan;
    return NVML_SUCCESS;
}

int nvmlDeviceGetClockInfo(const void *device, int type, unsigned *clock)
{
    const fake_gpu *g = gpu(device);
    if (!g || !clock || type < 0 || type > 2) return NVML_ERROR_INVALID_ARGUMENT;
    *clock = g->clocks[type];
    return NVML_SUCCESS;
}
