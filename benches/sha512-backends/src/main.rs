//! SHA-512 throughput of ring, RustCrypto sha2 (its autodetected AVX2 backend) and aws-lc-rs,
//! round-robin in one process beside the system OpenSSL's `SHA512_*` (what `openssl dgst`
//! runs), so that machine noise hits all of them alike. Prints the median GB/s of each and its
//! ratio to OpenSSL.

use std::time::Instant;

#[link(name = "crypto")]
unsafe extern "C" {
    fn SHA512_Init(ctx: *mut u8) -> i32;
    fn SHA512_Update(ctx: *mut u8, data: *const u8, len: usize) -> i32;
    fn SHA512_Final(md: *mut u8, ctx: *mut u8) -> i32;
}

const CHUNK: usize = 1 << 20;

fn openssl(buf: &[u8]) -> Vec<u8> {
    // SHA512_CTX is 216 bytes; 512 is ample.
    let mut ctx = [0u8; 512];
    let mut md = [0u8; 64];
    // SAFETY: ctx is larger than SHA512_CTX and md holds 64 bytes; the pointers are valid for
    // the lengths given.
    unsafe {
        SHA512_Init(ctx.as_mut_ptr());
        for b in buf.chunks(CHUNK) {
            SHA512_Update(ctx.as_mut_ptr(), b.as_ptr(), b.len());
        }
        SHA512_Final(md.as_mut_ptr(), ctx.as_mut_ptr());
    }
    md.to_vec()
}

fn ring(buf: &[u8]) -> Vec<u8> {
    let mut c = ring::digest::Context::new(&ring::digest::SHA512);
    buf.chunks(CHUNK).for_each(|b| c.update(b));
    c.finish().as_ref().to_vec()
}

fn sha2(buf: &[u8]) -> Vec<u8> {
    use sha2::Digest as _;
    let mut h = sha2::Sha512::new();
    buf.chunks(CHUNK).for_each(|b| h.update(b));
    h.finalize().to_vec()
}

fn aws_lc(buf: &[u8]) -> Vec<u8> {
    let mut c = aws_lc_rs::digest::Context::new(&aws_lc_rs::digest::SHA512);
    buf.chunks(CHUNK).for_each(|b| c.update(b));
    c.finish().as_ref().to_vec()
}

fn main() {
    let mut args = std::env::args().skip(1);
    let mib: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(256);
    let rounds: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(7);
    let buf: Vec<u8> = (0..mib << 20).map(|i| (i * 31 % 251) as u8).collect();
    let backends: [(&str, fn(&[u8]) -> Vec<u8>); 4] = [
        ("openssl", openssl),
        ("ring", ring),
        ("sha2", sha2),
        ("aws-lc-rs", aws_lc),
    ];
    let reference = openssl(&buf);
    let mut secs = vec![Vec::new(); backends.len()];
    for _ in 0..rounds {
        for (i, (name, f)) in backends.iter().enumerate() {
            let t = Instant::now();
            let md = f(&buf);
            secs[i].push(t.elapsed().as_secs_f64());
            assert_eq!(md, reference, "{name} disagrees with OpenSSL");
        }
    }
    let median = |v: &mut Vec<f64>| {
        v.sort_by(f64::total_cmp);
        v[v.len() / 2]
    };
    let base = median(&mut secs[0].clone());
    println!("SHA-512 over {mib} MiB in memory, median of {rounds} round-robin rounds");
    for ((name, _), s) in backends.iter().zip(&mut secs) {
        let m = median(s);
        println!(
            "{name:>10}: {:.3} GB/s  time ratio to openssl {:.2}x",
            (mib << 20) as f64 / 1e9 / m,
            m / base
        );
    }
}
